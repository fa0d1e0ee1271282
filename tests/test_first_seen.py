"""First seen is decided once, by the build over the staged rows (earliest posted, then first
read): a file source passes every copy on, and the counts say how many copies were dropped."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.sources.base import FileSource, RecordProblem
from etl.warehouse import build as build_module
from etl.warehouse.build import build, first_seen_drops
from etl.warehouse.schema import read_table

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Board(FileSource):
    """A toy board: JSON Lines files, one posting a line, read newest file first."""

    name: str = "board"
    suffixes: tuple[str, ...] = (".jsonl",)

    def read_records(self, path: Path):
        for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
            yield number, json.loads(line)

    def make_row(self, raw: object, path: Path) -> dict:
        if not raw.get("title"):
            raise RecordProblem("title is missing")
        return {"source_id": raw["id"], "posted_date": dt.date.fromisoformat(raw["date"]),
                "title": raw["title"], "company": f"Company {raw['id']}",
                "description": f"{raw['text']} Posting {raw['id']} asks for Python and Go."}


def _posting(pid: str, date: str, text: str, title: str = "Backend engineer") -> dict:
    return {"id": pid, "date": date, "title": title, "text": text}


# Read first (newest file), then the older file.
NEWER = [_posting("same-day", "2026-01-20", "newer copy"),
         _posting("reposted", "2026-02-10", "newer copy"),
         _posting("once", "2026-02-11", "only copy"),
         _posting("twice-in-file", "2026-02-12", "first line"),
         _posting("twice-in-file", "2026-02-12", "second line"),
         _posting("refused-first", "2026-01-05", "newer copy", title="")]
OLDER = [_posting("same-day", "2026-01-20", "older copy"),
         _posting("reposted", "2026-01-15", "older copy"),
         _posting("refused-first", "2026-01-05", "older copy")]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw" / "board"
    folder.mkdir(parents=True)
    for name, records in (("2026-02.jsonl", NEWER), ("2026-01.jsonl", OLDER)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in records))
    return tmp_path / "raw"


def test_a_file_source_passes_every_copy_on(raw):
    items = list(Board().read(raw / "board"))
    rows = [i for i in items if isinstance(i, dict)]
    assert [r["source_id"] for r in rows] == [
        "same-day", "reposted", "once", "twice-in-file", "twice-in-file", "same-day",
        "reposted", "refused-first"]
    assert len(items) - len(rows) == 1  # the refused record, in quarantine


@pytest.mark.parametrize("processes", [1, 2])
def test_the_earliest_posted_then_the_first_read_copy_stays(raw, tmp_path, processes,
                                                            monkeypatch):
    monkeypatch.setattr(build_module, "BATCH_ROWS", 3)  # copies in different batches
    manifest = build(raw, tmp_path / "wh", loaders={"board": Board()}, processes=processes,
                     log=lambda m: None, now=NOW, use_tag_cache=False)
    postings = read_table(tmp_path / "wh", "postings").to_pylist()
    kept = {p["source_id"]: (p["posted_date"].isoformat(), p["description"].split(" Posting")[0])
            for p in postings}
    assert kept == {
        "same-day": ("2026-01-20", "newer copy"),  # same day: the first read (newest file)
        "reposted": ("2026-01-15", "older copy"),  # the earliest posted, though read later
        "once": ("2026-02-11", "only copy"),
        "twice-in-file": ("2026-02-12", "first line"),
        "refused-first": ("2026-01-05", "older copy"),  # a refused copy never hides a good one
    }
    board = manifest["sources"][0]
    assert board["rows_read"] == 8  # every copy staged ...
    assert board["duplicates_same_id"] == 3  # ... and each later sighting counted
    assert board["rejected"] == 1 and board["postings"] == 5
    assert manifest["row_counts"]["postings"] == 5
    quarantine = pq.read_table(tmp_path / "wh" / "quarantine.parquet").to_pylist()
    assert [(q["file"].rsplit("/", 1)[-1], q["row"], q["reason"]) for q in quarantine] == [
        ("2026-02.jsonl", "6", "title is missing")]


def test_first_seen_drops_orders_by_date_then_reading_order(tmp_path):
    staged = tmp_path / "postings.parquet"
    pq.write_table(pa.table({
        "row": pa.array([0, 1, 2, 3, 4, 5], pa.int64()),
        "posting_id": ["a", "b", "a", "c", "b", "a"],
        "source": ["s", "s", "s", "t", "s", "s"],
        "posted_date": pa.array([dt.date(2026, 1, d) for d in (5, 9, 3, 1, 9, 3)],
                                pa.date32())}), staged)
    con = build_module.duckdb.connect()
    drops = first_seen_drops(con, staged).sort_by("row").to_pylist()
    # a: row 2 (3 Jan, read before row 5 of the same day) stays; b: row 1 (first read) stays
    assert drops == [{"row": 0, "source": "s", "posting_id": "a"},
                     {"row": 4, "source": "s", "posting_id": "b"},
                     {"row": 5, "source": "s", "posting_id": "a"}]


def test_first_seen_drops_reads_held_rows_before_the_staged(tmp_path):
    """An append's warehouse rows (held) were read first: a staged copy posted the same day or
    later is the later sighting; one posted earlier makes the held row the later one."""
    staged = tmp_path / "postings.parquet"
    pq.write_table(pa.table({
        "row": pa.array([0, 1, 2, 3], pa.int64()),
        "posting_id": ["a", "b", "c", "c"],
        "source": ["s", "s", "t", "t"],
        "posted_date": pa.array([dt.date(2026, 1, d) for d in (5, 2, 7, 8)], pa.date32())}),
        staged)
    con = build_module.duckdb.connect()
    con.register("held", pa.table({
        "posting_id": ["a", "b", "z", "c", "c"],
        "posted_date": pa.array([dt.date(2026, 1, d) for d in (5, 4, 1, 7, 9)], pa.date32())}))
    drops = first_seen_drops(con, staged, held="held").to_pylist()
    by_id = sorted(drops, key=lambda d: (d["posting_id"], d["row"] is not None, d["row"] or 0))
    # a: held of the same day stays (read first); b: the staged copy of 2 Jan is earlier, so the
    # held row of 4 Jan is the later sighting (row null); c: the held 7 Jan (its earliest) stays
    assert by_id == [{"row": 0, "source": "s", "posting_id": "a"},
                     {"row": None, "source": None, "posting_id": "b"},
                     {"row": 2, "source": "t", "posting_id": "c"},
                     {"row": 3, "source": "t", "posting_id": "c"}]
