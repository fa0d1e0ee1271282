"""Command line: python -m etl {sample,build,embed,tag,salary,ingest} ... (see --help of each)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
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
    build.add_argument("--raw", type=Path, default=DEFAULT_RAW,
                       help="raw data root (default: %(default)s)")
    build.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE,
                       help="warehouse path (default: %(default)s)")
    build.add_argument("--only", action="append", metavar="SOURCE",
                       help="build from this source only (repeatable)")
    build.add_argument("--processes", type=int, default=None,
                       help="processes that normalise and tag batches (default: up to 2)")
    build.add_argument("--embedded", type=Path, default=DEFAULT_EMBEDDED,
                       help="already tagged postings to include (default: %(default)s)")
    build.add_argument("--progress", type=Path, default=None, metavar="FILE",
                       help="write the build's progress (stage, log, outcome) as JSON to FILE "
                            "(the Data page's rebuild reads it)")
    build.add_argument("--no-embedded", action="store_const", const=None, dest="embedded",
                       help="leave the embedded history out (e.g. a sample-only warehouse)")

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
        from etl.warehouse.build import build
        from etl.warehouse.embedded import real_sources
        only = args.only
        if args.embedded is not None and not only:
            only = real_sources(args.raw, log=lambda m: print(m, file=sys.stderr))
        from etl.warehouse.lock import BuildRunning
        from etl.warehouse.progress import ProgressFile
        progress = ProgressFile(args.progress) if args.progress else None

        def log(message: str) -> None:
            print(message, file=sys.stderr)
            if progress:
                progress.log(message)
        try:
            manifest = build(args.raw, args.warehouse, only=only, processes=args.processes,
                             log=log, embedded=args.embedded,
                             stage=progress.stage if progress else lambda name: None)
        except BuildRunning as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        except BaseException as err:
            if progress:
                progress.failed(err)
            raise
        if progress:
            progress.finished(manifest)
        print(f"warehouse {args.warehouse} built: {manifest['row_counts']['postings']} postings, "
              f"taxonomy {manifest['taxonomy_version']}")
    elif args.command == "embed":
        from etl.warehouse.embedded import embed
        info = embed(args.archive, args.out, processes=args.processes, months=args.months,
                     log=lambda m: print(m, file=sys.stderr))
        print(f"{args.out}: {info['postings']} postings, {info['months'][0]} to "
              f"{info['months'][-1]}, taxonomy {info['taxonomy_version']}")
    elif args.command == "tag":
        from etl.transforms.tagger import tag_jsonl
        tag_jsonl(sys.stdin, sys.stdout)
    elif args.command == "salary":
        from etl.transforms.normalize import salary_jsonl
        salary_jsonl(sys.stdin, sys.stdout, year=args.year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
