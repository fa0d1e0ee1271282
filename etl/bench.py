"""`make bench`: build time and size of the sample warehouse, query timings, tagger speed,
chart export timings.

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


def pay_query_params(choices) -> dict:
    """The extra parameters of the pay, role profile and map queries (radar.pay and friends)."""
    from radar import geo, pay, profile
    return {"rates": pay.rate_rows(choices.countries, pay.years_of(choices.first_month,
                                                                    choices.last_month)),
            "categories": list(profile.spec().categories), "map_technology": "python",
            "states": list(geo.us_states())}


def bench_queries(warehouse: Path) -> None:
    """Each named query with the default filters: first call and median of 5 warm calls."""
    from radar import profile, queries
    choices = queries.choices(warehouse)
    filters = choices.defaults()
    extra = {"category": "language", "technologies": ["python", "go", "java", "php"],
             "technology_id": "python", "month": choices.last_month, "limit": 200,
             **pay_query_params(choices)}
    print(f"\nqueries on {warehouse} (default filters, all {filters.describe()}):")
    columns = profile.columns_of(queries.run("warehouse_columns", warehouse=warehouse),
                                 "postings")
    for name in queries.query_names():
        if name == "profile_requirements" and not set(profile.REQUIREMENT_COLUMNS) <= columns:
            print(f"  {name:<24} skipped: the warehouse has no requirement columns")
            continue
        cold, _ = timed(lambda n=name: queries.run(n, filters, warehouse, **extra))
        warm, frame = timed(lambda n=name: queries.run(n, filters, warehouse, **extra), 5)
        print(f"  {name:<24} first {cold * 1000:7.1f} ms  warm {warm * 1000:7.1f} ms  "
              f"rows {frame.height}")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=60_000, help="sample postings (%(default)s)")
    args = parser.parse_args(argv)
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
        bench_tagger(root / "warehouse")
        from radar.bench_export import bench_export
        print()
        bench_export(root / "warehouse")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
