"""`python -m etl.bench_spark` (what `make bench` runs for Spark): both builds of the same small
sample, their figures, and the row-for-row check, on a warehouse with list columns
(technology_sets), which the bench's own comparison once could not sort."""

from __future__ import annotations

import re

import pytest

from etl import bench_spark

pytestmark = pytest.mark.spark


def test_bench_spark_prints_both_builds_and_finds_them_the_same(capsys):
    assert bench_spark.main(["--n", "600", "--processes", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"in-process build \(1 processes\): [\d.]+ s", out)
    assert re.search(r"spark build \(local\[2\]\): [\d.]+ s", out)
    assert re.search(r"spark / in-process: [\d.]+x", out)
    postings = int(re.search(r"same warehouse: yes \(([\d,]+) postings\)", out)[1]
                   .replace(",", ""))
    assert 500 < postings <= 600
    # every stage of both builds has a time and a peak
    assert len(re.findall(r"^  read, normalise, tag\s+[\d.]+ s\s+peak", out, re.M)) == 2
