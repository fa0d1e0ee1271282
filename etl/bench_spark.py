"""Spark local-mode build time beside the in-process build, on the same synthetic sample.

`make bench` runs it (`python -m etl.bench_spark --n N`). Both builds read the same raw files
with the same build time and must write the same warehouse (checked and printed). Spark's
session start (JVM, Python workers) is timed apart from the build. On a shared machine the
figures are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from etl.bench import StageMeter
from etl.sample import write_sample
from etl.warehouse.build import build
from etl.warehouse.equality import warehouse_differences


def timed_build(root: Path, name: str, n: int, **kwargs) -> tuple[float, dict, list[dict]]:
    """Build root/raw into root/<name>; seconds, manifest and the meter's stages.

    The Spark engine's own step timings (its "spark: ..." log lines) are printed as they come.
    """
    def log(message: str) -> None:
        if message.startswith("spark:"):
            print(f"    {message}")

    with StageMeter() as meter:
        start = time.perf_counter()
        manifest = build(root / "raw", root / name, log=log, stage=meter.stage, **kwargs)
        seconds = time.perf_counter() - start
    return seconds, manifest, meter.stages


def report(label: str, seconds: float, n: int, stages: list[dict]) -> None:
    """Print a build's time, postings per second and each stage's time and peak memory."""
    print(f"{label}: {seconds:.1f} s ({n / seconds:,.0f} postings/s read)")
    for s in stages:
        print(f"  {s['name']:<22} {s['seconds']:8.1f} s  peak {s['largest'] / 1000:5.2f} GB "
              f"largest process, {s['total'] / 1000:5.2f} GB all (JVM and workers included)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.bench_spark", description=__doc__)
    parser.add_argument("--n", type=int, default=60_000, help="sample postings (%(default)s)")
    parser.add_argument("--processes", type=int, default=2,
                        help="in-process build processes (default: %(default)s)")
    parser.add_argument("--master", default="local[2]",
                        help="Spark master (default: %(default)s)")
    args = parser.parse_args(argv)
    from etl.warehouse.spark import SparkStager, spark_session

    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_sample(root / "raw" / "sample", n=args.n, until=dt.date.today().replace(day=1))
        print(f"Spark beside in-process, {args.n:,} sample postings (shared machine: noisy)")
        seconds, _, stages = timed_build(root, "in-process", args.n,
                                         processes=args.processes, now=now)
        report(f"in-process build ({args.processes} processes)", seconds, args.n, stages)
        start = time.perf_counter()
        session = spark_session(args.master)
        started = time.perf_counter() - start
        try:
            spark_seconds, spark_manifest, stages = timed_build(
                root, "spark", args.n, engine=SparkStager(session), now=now)
        finally:
            session.stop()
        report(f"spark build ({args.master})", spark_seconds, args.n, stages)
        print(f"  session start {started:.1f} s (not in the build time); spark / in-process: "
              f"{spark_seconds / seconds:.2f}x")
        differences = warehouse_differences(root / "in-process", root / "spark")
        same = not differences
        print(f"  same warehouse: {'yes' if same else 'NO'} "
              f"({spark_manifest['row_counts']['postings']:,} postings)")
        for difference in differences:
            print(f"    {difference[:300]}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
