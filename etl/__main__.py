"""Command line: python -m etl {sample,build,embed,tag,salary,ingest} ... (see --help of each)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from etl.paths import DEFAULT_EMBEDDED, DEFAULT_RAW, DEFAULT_WAREHOUSE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Hiring Radar ETL: load job-posting sources into the Parquet warehouse.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sample = sub.add_parser("sample", help="write the embedded synthetic sample (raw input)",
                            description="Write a deterministic synthetic raw dataset to "
                                        "data/raw/sample (about 60,000 postings, 2016-01 to now).")
    sample.add_argument("--out", type=Path, default=DEFAULT_RAW / "sample",
                        help="folder to write (default: %(default)s)")
    sample.add_argument("--seed", type=int, default=7, help="random seed (default: %(default)s)")
    sample.add_argument("--n", type=int, default=60_000, help="postings (default: %(default)s)")
    sample.add_argument("--until", type=_month, default=None,
                        help="last month YYYY-MM (default: the current month)")

    build = sub.add_parser("build", help="build the warehouse from every ingested source",
                           description="Read data/raw/<source>/ for every source, normalise, "
                                       "tag and write the warehouse atomically, with the "
                                       "embedded real HN history (data/embedded) unless "
                                       "--no-embedded.")
    build.add_argument("--raw", type=_location, default=DEFAULT_RAW,
                       help="raw data root, a folder or an s3:// URI (default: %(default)s)")
    build.add_argument("--warehouse", type=_location, default=DEFAULT_WAREHOUSE,
                       help="warehouse path, or an s3:// prefix (builds under it, CURRENT "
                            "names the last; docs/spark.md) (default: %(default)s)")
    build.add_argument("--only", action="append", metavar="SOURCE",
                       help="build from this source only (repeatable)")
    build.add_argument("--processes", type=int, default=None,
                       help="processes that normalise and tag batches (default: up to 2)")
    build.add_argument("--engine", choices=("in-process", "spark"), default="in-process",
                       help="where normalise, pay and tag run: in this process and its "
                            "workers, or PySpark's mapInArrow (`make spark`; docs/spark.md) "
                            "(default: %(default)s)")
    build.add_argument("--spark-staging", metavar="URI", default=None,
                       help="with --engine spark on a cluster: a folder or URI (s3://...) the "
                            "driver and executors share, for Spark's input and output "
                            "(default: the build folder, fine for a local master)")
    build.add_argument("--embedded", type=Path, default=DEFAULT_EMBEDDED,
                       help="already tagged postings to include (default: %(default)s)")
    build.add_argument("--progress", type=Path, default=None, metavar="FILE",
                       help="write the build's progress (stage, log, outcome) as JSON to FILE "
                            "(the Data page's rebuild reads it)")
    build.add_argument("--no-embedded", action="store_const", const=None, dest="embedded",
                       help="leave the embedded history out (e.g. a sample-only warehouse)")
    build.add_argument("--append", action="store_true",
                       help="add only the raw files the warehouse was not built from (e.g. a "
                            "new month) to the existing warehouse, without rebuilding it; "
                            "refuses with the reason when only a full build can be right "
                            "(docs/build.md)")
    build.add_argument("--no-tag-cache", action="store_false", dest="tag_cache",
                       help="tag every posting again instead of taking the tags of texts the "
                            "current warehouse's tag cache holds (docs/build.md)")

    embed = sub.add_parser("embed", help="rebuild data/embedded from the HN archive month files",
                           description="Build the embedded real history (data/embedded) from "
                                       "the HN archive's month files through the ordinary "
                                       "pipeline (ingest, build), without the posting text.")
    embed.add_argument("--archive", type=Path, required=True, metavar="DIR",
                       help="folder of YYYY-MM.jsonl[.gz] files, e.g. ../shared/data/hn_archive")
    embed.add_argument("--out", type=Path, default=DEFAULT_EMBEDDED,
                       help="folder to write (default: %(default)s)")
    embed.add_argument("--months", nargs="+", metavar="YYYY-MM", default=None,
                       help="only these archive months (default: all)")
    embed.add_argument("--processes", type=int, default=None,
                       help="tagging processes (default: up to 2)")

    sub.add_parser("tag", help="tag JSON Lines {id, text} from stdin with technologies",
                   description='Read JSON Lines {"id", "text"} on stdin; write one line per '
                               'input: {"id", "technologies": [{"name", "category"}]}.')

    pay = sub.add_parser(
        "salary", help="read pay from JSON Lines {id, text} on stdin",
        description='Read JSON Lines {"id", "text"} on stdin (optional "currency": what "$" '
                    'means when the text does not say, e.g. CAD; optional "year" of the '
                    'exchange rate); write one line per input: {"id", "salary": null | {"min", '
                    '"max", "currency", "period", "annual_usd"}}, read by the same parser the '
                    'build uses (several roles with pay: the engineering roles\' range).')
    pay.add_argument("--year", type=int, default=None,
                     help="year of the exchange rate for annual_usd (default: this year)")

    sub.add_parser("ingest", help="fetch or copy a source's raw data (see ingest --help)",
                   add_help=False)
    return parser


def _append(args: argparse.Namespace) -> int:
    """python -m etl build --append: the new raw files into the existing warehouse."""
    from etl.warehouse.append import AppendRefused, append
    from etl.warehouse.embedded import real_sources
    from etl.warehouse.lock import BuildRunning
    from etl.warehouse.storage import is_uri
    if is_uri(args.raw) or is_uri(args.warehouse) or args.engine != "in-process":
        print("error: --append works on a local raw folder and warehouse, in-process",
              file=sys.stderr)
        return 1
    only = args.only
    if args.embedded is not None and not only:
        only = real_sources(args.raw, log=lambda m: print(m, file=sys.stderr))
    started = time.perf_counter()

    def stage(name: str) -> None:  # each stage's start, so a slow one shows
        print(f"[{time.perf_counter() - started:6.1f} s] {name}", file=sys.stderr)

    try:
        manifest = append(Path(args.raw), Path(args.warehouse), only=only,
                          processes=args.processes, log=lambda m: print(m, file=sys.stderr),
                          embedded=args.embedded, stage=stage)
        stage("done")
    except (AppendRefused, BuildRunning) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not manifest.get("nothing_new"):
        last = manifest["appended"][-1]
        print(f"warehouse {args.warehouse} appended: {last['postings_read']} postings read, "
              f"months {', '.join(last['months_touched'])}; now "
              f"{manifest['row_counts']['postings']} postings")
    else:
        print(f"warehouse {args.warehouse}: nothing new to append")
    return 0


def _engine(args: argparse.Namespace):
    """The build's engine: "in-process", or the Spark stager with its shared staging."""
    if args.engine != "spark":
        return args.engine
    from etl.warehouse.spark import SparkStager
    return SparkStager(staging=args.spark_staging)


def _location(text: str):
    from etl.warehouse.storage import location
    return location(text)


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month YYYY-MM") from err


def main(argv: list[str] | None = None) -> int:
    """Run one ETL command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "ingest":
        from etl.ingest import main as ingest_main
        return ingest_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "sample":
        from etl.sample import write_sample
        print(write_sample(args.out, seed=args.seed, n=args.n, until=args.until))
    elif args.command == "build":
        from etl.warehouse.embedded import real_sources
        from etl.warehouse.lock import BuildRunning
        if args.append:
            return _append(args)
        from etl.warehouse.progress import ProgressFile
        from etl.warehouse.storage import build_at, local_raw
        progress = ProgressFile(args.progress) if args.progress else None

        def log(message: str) -> None:
            print(message, file=sys.stderr)
            if progress:
                progress.log(message)
        try:
            with local_raw(args.raw, args.only) as raw:
                only = args.only
                if args.embedded is not None and not only:
                    only = real_sources(raw, log=lambda m: print(m, file=sys.stderr))
                manifest = build_at(raw, args.warehouse, only=only, processes=args.processes,
                                    log=log, embedded=args.embedded, engine=_engine(args),
                                    stage=progress.stage if progress else lambda name: None,
                                    use_tag_cache=args.tag_cache)
        except BuildRunning as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        except BaseException as err:
            if progress:
                progress.failed(err)
            raise
        if progress:
            progress.finished(manifest)
        cache = manifest["tag_cache"]
        print(f"warehouse {args.warehouse} built: {manifest['row_counts']['postings']} postings, "
              f"taxonomy {manifest['taxonomy_version']}; tagged {cache['postings_tagged']}, "
              f"{cache['postings_from_cache']} from the tag cache"
              + (f" (re-tagged everything: {cache['reason']})"
                 if cache["status"] in ("retagged", "unreadable") else ""))
    elif args.command == "embed":
        from etl.warehouse.embedded import embed
        info = embed(args.archive, args.out, processes=args.processes, months=args.months,
                     log=lambda m: print(m, file=sys.stderr))
        print(f"{args.out}: {info['postings']} postings, {info['months'][0]} to "
              f"{info['months'][-1]}, taxonomy {info['taxonomy_version']}")
    elif args.command == "tag":
        from etl.transforms.tagger import tag_jsonl
        tag_jsonl(sys.stdin.buffer, sys.stdout)  # bytes: orjson reads UTF-8 as it is
    elif args.command == "salary":
        from etl.transforms.normalize import salary_jsonl
        salary_jsonl(sys.stdin.buffer, sys.stdout, year=args.year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
