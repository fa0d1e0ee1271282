"""`python -m etl.bench --keep-warehouse DIR`: the built warehouse outlives the bench run."""

from __future__ import annotations

import json
import re

import pytest

from etl.bench import main


def test_build_only_keeps_the_warehouse(tmp_path, capsys):
    kept = tmp_path / "kept"
    assert main(["--n", "400", "--processes", "1", "--build-only", "--tmp", str(tmp_path / "t"),
                 "--keep-warehouse", str(kept)]) == 0
    manifest = json.loads((kept / "manifest.json").read_text())
    assert 0 < manifest["row_counts"]["postings"] <= 400
    assert f"warehouse kept in {kept}" in capsys.readouterr().out
    assert not list((tmp_path / "t").iterdir())  # the temporary folder itself is gone


def test_an_existing_folder_is_refused(tmp_path, capsys):
    (tmp_path / "kept").mkdir()
    with pytest.raises(SystemExit) as stop:
        main(["--build-only", "--keep-warehouse", str(tmp_path / "kept")])
    assert stop.value.code == 2
    assert "exists: name a new folder" in capsys.readouterr().err


def test_the_query_timings_run_every_named_query(fixture_warehouse, capsys):
    """`make bench` times every named query with the parameters its pages pass (it stopped at
    filter_options once, whose $earliest and $latest its own parameter list lacked)."""
    from etl.bench import bench_queries
    from radar import queries
    bench_queries(fixture_warehouse, warm_runs=2)
    lines = capsys.readouterr().out.splitlines()
    timed = [line.split()[0] for line in lines if " default first " in line]
    skipped = [line.split()[0] for line in lines if " skipped: " in line]
    assert sorted(timed + skipped) == sorted(queries.query_names())
    assert skipped in ([], ["profile_requirements"])
    # with the default and with narrow filters, as the goal is put, and narrowed by
    # one dimension alone: each line of timings followed by those
    assert all(" | narrow first " in line for line in lines if " default first " in line)
    after = [lines[i + 1] for i, line in enumerate(lines) if " default first " in line]
    assert len(after) == len(timed)
    assert all(re.search(r"one dimension, p50 / p95 ms: a country [\d.]+ / [\d.]+  \| "
                         r"12 months [\d.]+ / [\d.]+  \| remote [\d.]+ / [\d.]+$", line)
               for line in after), after
    assert sum("worst warm p95" in line for line in lines) == 2


def test_the_postings_behind_timed_are_those_of_the_ranges_last_month(fixture_warehouse,
                                                                     monkeypatch, capsys):
    """With an incomplete last month (the default range ends before it), the bench times the
    postings behind the range's last month, as a page asks for them, not the incomplete one's
    (a 10M run timed an empty answer that way)."""
    import dataclasses

    from etl.bench import bench_queries
    from radar import queries
    real_choices, real_run, asked = queries.choices, queries.run, []

    def with_incomplete_month(warehouse=None):
        made = real_choices(warehouse)
        return dataclasses.replace(made, last_complete_month=made.last_month,
                                   last_month=made.last_month.replace(year=made.last_month.year
                                                                      + 1, month=1))

    def run(name, filters=None, warehouse=None, **params):
        if name == "postings_behind":
            asked.append((params["month"], filters.date_to))
        return real_run(name, filters, warehouse, **params)

    monkeypatch.setattr(queries, "choices", with_incomplete_month)
    monkeypatch.setattr(queries, "run", run)
    bench_queries(fixture_warehouse, warm_runs=2)
    assert asked and {month for month, _ in asked} == {to for _, to in asked}


def test_a_kept_warehouse_is_kept_before_the_later_steps(tmp_path, monkeypatch, capsys):
    """--keep-warehouse moves the warehouse out right after the build: a later step that fails
    leaves it kept (a 10M build once went with its temporary folder that way)."""
    import etl.bench as bench

    def failing(warehouse):
        assert (kept / "manifest.json").is_file() and warehouse == kept
        raise RuntimeError("a timing step failed")

    kept = tmp_path / "kept"
    monkeypatch.setattr(bench, "bench_queries", failing)
    with pytest.raises(RuntimeError, match="a timing step failed"):
        main(["--n", "400", "--processes", "1", "--tmp", str(tmp_path / "t"),
              "--keep-warehouse", str(kept)])
    assert (kept / "manifest.json").is_file()
