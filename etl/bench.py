"""`make bench`: build time and size of the sample warehouse, query timings, tagger speed,
chart export timings; the HN archive's ingest and build time and peak memory (../shared).

Prints figures; asserts nothing (tests do not time things).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from etl.sample import write_sample
from etl.transforms.tagger import Tagger
from etl.warehouse.build import build, posting_text


def folder_mb(folder: Path) -> float:
    """Size of the files in a folder, in MB."""
    return sum(p.stat().st_size for p in folder.resolve().rglob("*") if p.is_file()) / 1e6


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median seconds over repeat calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_queries(warehouse: Path) -> None:
    """Each named query with the default filters: first call and median of 5 warm calls."""
    from radar import queries
    choices = queries.choices(warehouse)
    filters = choices.defaults()
    extra = {"category": "language", "technologies": ["python", "go", "java", "php"],
             "technology_id": "python", "month": choices.last_month, "limit": 200,
             "partners": ["postgresql"]}
    print(f"\nqueries on {warehouse} (default filters, all {filters.describe()}):")
    for name in queries.query_names():
        cold, _ = timed(lambda n=name: queries.run(n, filters, warehouse, **extra))
        warm, frame = timed(lambda n=name: queries.run(n, filters, warehouse, **extra), 5)
        print(f"  {name:<24} first {cold * 1000:7.1f} ms  warm {warm * 1000:7.1f} ms  "
              f"rows {frame.height}")


def page_queries(warehouse: Path) -> dict[str, list[tuple[str, dict]]]:
    """The named queries each page of issue 9 runs with its default choices (what a first
    visit costs), as (name, parameters)."""
    from radar import queries
    ranking = queries.run("tech_ranking", queries.choices(warehouse).defaults(), warehouse,
                          category="")
    ids = ranking["technology_id"].to_list()
    top = ids[0]
    compare = [t for t in ("go", "rust", "kotlin", "kubernetes") if t in ids] or ids[:4]
    return {
        "technology page (Web servers)": [
            ("tech_ranking", {"category": "web_server"}), ("kpis", {}),
            ("tech_share_by_month", {"technologies": ranking.filter(
                ranking["category"] == "web_server")["technology_id"].head(6).to_list()})],
        "Compare": [("tech_ranking", {"category": ""}), ("kpis", {}),
                    ("tech_share_by_month", {"technologies": compare}),
                    ("salary_by_technology", {"category": ""}),
                    ("co_mentions", {"technologies": compare})],
        "Stacks": [("tech_ranking", {"category": ""}), ("kpis", {}),
                   ("co_mentions", {"technologies": [top]}),
                   ("postings_together", {"technology_id": top, "partners": ids[1:2],
                                          "limit": 50}),
                   ("tech_pairs", {"technologies": ids[:15]})],
        "What to learn next": [("tech_ranking", {"category": ""}), ("kpis", {}),
                               ("learn_next", {"technologies": ["python"]}),
                               ("postings_together", {"technology_id": ids[1],
                                                      "partners": ["python"], "limit": 50})],
    }


def bench_pages(warehouse: Path) -> None:
    """Per new page: its queries with the default filters, first call and median of 5 warm
    calls of them all (the app caches results, so a warm page costs less still)."""
    from radar import queries
    filters = queries.choices(warehouse).defaults()
    print(f"\npage queries on {warehouse} (default filters and choices):")
    for page, calls in page_queries(warehouse).items():
        def run_all(calls=calls):
            return [queries.run(n, filters, warehouse, **p) for n, p in calls]
        cold, _ = timed(run_all)
        warm, frames = timed(run_all, 5)
        rows = ", ".join(f"{n} {f.height}" for (n, _), f in zip(calls, frames, strict=True))
        print(f"  {page:<30} first {cold * 1000:7.1f} ms  warm {warm * 1000:7.1f} ms  "
              f"rows: {rows}")


def bench_tagger(warehouse: Path, n: int = 20_000) -> None:
    """Postings per second through Tagger.mentions on one core (titles and bodies)."""
    import polars as pl
    frame = pl.read_parquet(warehouse / "postings.parquet", columns=["title", "description"])
    texts = [posting_text(t, d) for t, d in frame.head(n).iter_rows()]
    tagger = Tagger.default()
    tagger.mentions(texts[0])
    rates = []
    for _ in range(3):
        cpu = time.process_time()
        for text in texts:
            tagger.mentions(text)
        rates.append(len(texts) / (time.process_time() - cpu))
    chars = sum(map(len, texts)) / len(texts)
    # CPU time of this one process is what "on one core" means (wall time also counts whatever
    # else the machine does); three passes, because a shared machine makes single runs noisy.
    print(f"\ntagger: {max(rates):,.0f} postings/s on one core, best of 3 passes in CPU time "
          f"(median {statistics.median(rates):,.0f}) over {len(texts):,} sample postings of "
          f"{chars:,.0f} characters on average")


def run_measured(argv: list[str]) -> tuple[float, float, int]:
    """Run a command; wall seconds, peak resident MB of its largest process, exit status."""
    import os
    import subprocess
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss (kB): the child's peak, or that of its largest waited-for process (tagging pool)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, child.returncode


def bench_archive(archive: Path) -> None:
    """The HN archive through the commands a user runs: ingest, build; and the embedded default."""
    import sys
    if not archive.is_dir():
        print(f"\nHN archive: skipped ({archive} is absent)")
        return
    etl = [sys.executable, "-m", "etl"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = len(list(archive.glob("*.jsonl*")))
        print(f"\nHN archive ({files} month files, {folder_mb(archive):.0f} MB), as a user runs it "
              "(wall time and peak RSS of the largest process; a shared machine makes both noisy):")
        steps = [
            ("python -m etl ingest hn --from-dir", [*etl, "ingest", "--raw-root",
                                                   str(root / "raw"), "hn", "--from-dir",
                                                   str(archive)]),
            ("python -m etl build --no-embedded", [*etl, "build", "--raw", str(root / "raw"),
                                                   "--warehouse", str(root / "wh"),
                                                   "--no-embedded"]),
            ("python -m etl build (embedded only, = first make run)",
             [*etl, "build", "--raw", str(root / "empty"), "--warehouse",
              str(root / "wh-embedded")]),
        ]
        for label, argv in steps:
            seconds, peak_mb, status = run_measured(argv)
            print(f"  {label:<56} {seconds:7.1f} s  peak {peak_mb:7.0f} MB"
                  + (f"  FAILED (exit {status})" if status else ""))
        import json
        manifest = json.loads((root / "wh" / "manifest.json").read_text())
        print(f"  archive build: {manifest['row_counts']['postings']:,} postings, "
              f"{manifest['row_counts']['posting_technologies']:,} technology tags")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=60_000, help="sample postings (%(default)s)")
    parser.add_argument("--archive", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data"
                        / "hn_archive", help="HN archive month files (default: %(default)s)")
    parser.add_argument("--only-archive", action="store_true",
                        help="time the HN archive commands only")
    args = parser.parse_args(argv)
    if args.only_archive:
        bench_archive(args.archive)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seconds, _ = timed(lambda: write_sample(root / "raw" / "sample", n=args.n,
                                                until=dt.date.today().replace(day=1)))
        print(f"sample: {args.n:,} postings written in {seconds:.1f} s "
              f"({folder_mb(root / 'raw' / 'sample'):.1f} MB gzipped JSON Lines)")
        for processes in (1, 2):
            seconds, manifest = timed(lambda p=processes: build(
                root / "raw", root / "warehouse", processes=p, log=lambda m: None))
            print(f"build ({processes} tagging process{'es' if processes > 1 else ''}): "
                  f"{seconds:.1f} s for {manifest['row_counts']['postings']:,} postings")
        print(f"warehouse: {folder_mb(root / 'warehouse'):.1f} MB; rows: "
              + ", ".join(f"{k} {v:,}" for k, v in manifest["row_counts"].items()))
        bench_queries(root / "warehouse")
        bench_pages(root / "warehouse")
        bench_tagger(root / "warehouse")
        from radar.bench_export import bench_export
        print()
        bench_export(root / "warehouse")
    bench_archive(args.archive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
