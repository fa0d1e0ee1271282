"""The instruction counts of `make bench` (etl/bench_instructions.py): callgrind's report read,
the difference of two runs taken, the stage-1 runner's passes, and a real count under valgrind
(skipped where valgrind is not installed)."""

from __future__ import annotations

import shutil
import sys

import pytest

from etl import bench_instructions as bi
from etl.sample import write_sample


def test_the_count_is_read_from_callgrinds_report():
    report = ("==41== Callgrind, a call-graph generating cache profiler\n==41== Events    : Ir\n"
              "==41== Collected : 845461723\n==41==\n==41== I   refs:      845,461,723\n")
    assert bi.collected(report) == 845_461_723
    with pytest.raises(ValueError, match="no instruction count"):
        bi.collected("==41== error: cannot run")


def test_a_unit_costs_what_the_large_run_counted_beyond_the_small_one():
    assert bi.per_unit((200, 1_000_000), (2_000, 4_600_000)) == 2_000.0
    with pytest.raises(ValueError):
        bi.per_unit((2_000, 5), (2_000, 9))


def test_the_stage1_runner_stages_every_posting_once_a_pass(tmp_path):
    sample = write_sample(tmp_path / "sample", n=300, until=bi.SAMPLE_UNTIL)
    once = bi.stage1_passes(sample, 1)
    assert once > 250  # a few records of the sample are bad on purpose
    assert bi.stage1_passes(sample, 3) == 3 * once


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_a_loop_counts_its_instructions_a_turn():
    """A Python loop of 200,000 turns counted against one of 20,000: a plausible count a turn,
    the same when counted again (the hash seed is fixed: with a random one it moved by 5%)."""
    loop = "for i in range({}): pass"
    runs = [(n, bi.counted([sys.executable, "-S", "-c", loop.format(n)]))
            for n in (20_000, 200_000)]
    each = bi.per_unit(*runs)
    assert 5 < each < 500
    again = bi.per_unit(runs[0], (200_000, bi.counted([sys.executable, "-S", "-c",
                                                        loop.format(200_000)])))
    assert abs(again - each) / each < 0.001
