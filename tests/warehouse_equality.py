"""Small raw sets for the Spark and S3 tests; the row-for-row comparison of two warehouses is
etl/warehouse/equality.py (python -m etl.bench_spark uses it too)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.sample import write_sample
from etl.sources import own_file

FIXTURES = Path(__file__).parent / "fixtures"
BUILD_TIME = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # both builds: same ingested_at
SOURCES = ["sample", "own"]


def write_raw_set(root: Path, n: int = 1500) -> Path:
    """The synthetic sample (n postings) and the own-file CSV fixture under one raw root."""
    write_sample(root / "sample", seed=11, n=n, until=dt.date(2025, 12, 1))
    own_file.ingest(root / "own", file=FIXTURES / "own_postings.csv",
                    map_file=FIXTURES / "own_map.toml", fetch_date=dt.date(2026, 3, 1))
    return root
