"""The streaming build: batch function, batch size and processes do not change the warehouse
(files read in pieces by worker processes included); first seen and the month rule hold across
sources."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from etl.sample import write_sample
from etl.sources import sources
from etl.sources.base import FileSource, RecordProblem, Rejected, line_pieces
from etl.warehouse import build as build_module
from etl.warehouse.build import (
    KEYS_SCHEMA,
    STAGED_POSTINGS_SCHEMA,
    STAGED_TECH_SCHEMA,
    STAGING_SCHEMA,
    MonthFiles,
    build,
    process_batch,
    staging_record,
)
from etl.warehouse.equality import sorted_rows, warehouse_differences
from etl.warehouse.schema import read_table
from tests.conftest import FixtureSource, fixture_postings
from tests.test_hn_archive import record, write_month
from tests.warehouse_equality import BUILD_TIME, write_raw_set

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TABLES = ("postings", "posting_technologies", "rollup_postings", "rollup_technologies",
          "salaries", "quarantine")


def staging_batch(rows: list[dict]) -> pa.RecordBatch:
    records = [{"seq": i, "_file": "f", "_row": str(i), **row} for i, row in enumerate(rows)]
    return pa.RecordBatch.from_pylist(records, schema=STAGING_SCHEMA)


def test_the_batch_function_is_pure_and_arrow_in_arrow_out():
    batch = staging_batch([r for r in fixture_postings() if r["posted_date"]][:30])
    first, second = process_batch(batch, "fixture", NOW), process_batch(batch, "fixture", NOW)
    assert first.postings.schema.equals(STAGED_POSTINGS_SCHEMA)
    assert first.technologies.schema.equals(STAGED_TECH_SCHEMA)
    assert first.keys.schema.equals(KEYS_SCHEMA)
    assert first.postings.num_rows == first.keys.num_rows == 30
    assert first.postings.equals(second.postings) and first.keys.equals(second.keys)
    assert first.technologies.equals(second.technologies)
    assert first.postings.column("row").to_pylist() == list(range(30))


def test_the_batch_function_refuses_rows_with_a_reason():
    rows = [{"source_id": "x1", "posted_date": dt.date(2024, 1, 1), "title": " ",
             "description": "text"}]
    done = process_batch(staging_batch(rows), "fixture", NOW)
    assert done.postings.num_rows == 0
    assert [(r.row, r.reason) for r in done.rejected] == [("0", "title is missing")]


def _staged(**changes) -> dict | Rejected:
    item = {"source_id": "x1", "posted_date": dt.date(2024, 1, 1), "title": "Backend Engineer",
            "description": "Python and PostgreSQL", "_file": "f.jsonl", "_row": "7", **changes}
    return staging_record(item, 0, 1, "fixture", Path("raw"), NOW)


def test_a_staging_record_holds_only_what_its_columns_can_hold():
    """staging_record gives values in their staging column's types, and refuses, naming the
    column and the problem, a value the column cannot hold (the staging batch is no longer made
    to find them: a lone surrogate, an integer out of its column's range, a number past a
    float); the record's other fields do not matter."""
    good = _staged(salary_min=50_000, min_years_experience="3", degree_equivalent=1,
                   company=42, description="Python \u2013 PostgreSQL \U0001f600")
    assert isinstance(good, dict)
    assert good["salary_min"] == 50_000.0 and isinstance(good["salary_min"], float)
    assert good["min_years_experience"] == 3 and good["degree_equivalent"] is True
    assert good["company"] == "42" and good["description"].endswith("\U0001f600")
    assert list(pa.RecordBatch.from_pylist([good], schema=STAGING_SCHEMA).to_pylist()[0]
                .items()) == [(k, good.get(k)) for k in STAGING_SCHEMA.names]  # no value lost
    refused = {
        "lone surrogate": (_staged(description="Go and \ud800 Rust"),
                           "description='Go and \\ud800 Rust': a lone surrogate (U+D800 at "
                           "character 7) is not text UTF-8 can hold"),
        "int16 too large": (_staged(min_years_experience=40_000),
                            "min_years_experience=40000: 40000 is outside the range of int16 "
                            "(-32768 to 32767)"),
        "int16 too small": (_staged(min_years_experience=-32_769),
                            "min_years_experience=-32769: -32769 is outside the range of int16"),
        "past a float": (_staged(salary_max=10**400), "salary_max=1000"),
        "no number": (_staged(salary_max="lots"),
                      "salary_max='lots': could not convert string to float: 'lots'"),
        "infinite integer": (_staged(min_years_experience=float("inf")),
                             "min_years_experience=inf: cannot convert float infinity"),
    }
    for case, (refusal, reason) in refused.items():
        assert isinstance(refusal, Rejected), case
        assert (refusal.file, refusal.row) == ("f.jsonl", "7") and reason in refusal.reason, \
            (case, refusal.reason)
    # a row named by its id: the id's lone surrogate written as its escape in the quarantine
    named = staging_record({"source_id": "7\ud801", "posted_date": dt.date(2024, 1, 1),
                            "title": "Engineer"}, 0, 1, "fixture", Path("raw"), NOW)
    assert isinstance(named, Rejected) and named.row == "7\\ud801" and named.file == "raw"
    assert _staged(min_years_experience=32_767)["min_years_experience"] == 32_767
    assert _staged(min_years_experience=-32_768)["min_years_experience"] == -32_768


def test_a_piece_goes_on_past_a_row_its_columns_cannot_hold(tmp_path):
    """A raw file whose middle row holds a lone surrogate (a valid JSON escape): the build keeps
    the rows around it and quarantines that one, naming its file, row and column (before, the
    whole piece failed when its staging batch was made, and the build with it)."""
    folder = tmp_path / "raw" / "sample"
    write_sample(folder, n=40, until=dt.date(2024, 6, 30))
    path = sorted(folder.glob("*.jsonl.gz"))[0]
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    spoiled = json.loads(lines[1])
    spoiled["title"] = "Backend \udc80 Engineer"
    lines[1] = json.dumps(spoiled)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    total = sum(len(gzip.decompress(p.read_bytes()).decode().splitlines())
                for p in folder.glob("*.jsonl.gz"))
    warehouse = tmp_path / "warehouse"
    manifest = build(tmp_path / "raw", warehouse, processes=2, log=lambda _: None)
    quarantine = read_table(warehouse, "quarantine").to_pylist()
    ours = [q for q in quarantine if "lone surrogate" in q["reason"]]
    assert len(ours) == 1 and ours[0]["file"].endswith(path.name) and ours[0]["row"] == "2"
    assert "title='Backend \\udc80 Engineer'" in ours[0]["reason"]
    postings = read_table(warehouse, "postings")
    assert spoiled["id"] not in postings.column("source_id").to_pylist()
    sample, = (s for s in manifest["sources"] if s["name"] == "sample")
    assert sample["rejected"] == len(quarantine) and sample["postings"] == postings.num_rows
    assert sample["postings"] + sample["duplicates_same_id"] + sample["duplicates_near_or_cross"] \
        + sample["rejected"] == total


def _tables(warehouse) -> dict[str, list[dict]]:
    out = {}
    for name in TABLES:
        table = read_table(warehouse, name)
        out[name] = sorted(table.drop_columns(
            [c for c in ("ingested_at",) if c in table.column_names]).to_pylist(), key=repr)
    return out


def test_batch_size_and_processes_do_not_change_the_warehouse(tmp_path, monkeypatch):
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    build(tmp_path / "raw", tmp_path / "one", loaders={"fixture": FixtureSource()},
          processes=1, log=lambda m: None)
    monkeypatch.setattr(build_module, "BATCH_ROWS", 7)
    build(tmp_path / "raw", tmp_path / "many", loaders={"fixture": FixtureSource()},
          processes=2, log=lambda m: None)
    one, many = _tables(tmp_path / "one"), _tables(tmp_path / "many")
    assert len(one["postings"]) == 216 and len(one["posting_technologies"]) > 216
    assert one == many


def test_staging_files_gather_batches_into_row_groups(tmp_path, monkeypatch):
    """A Parquet writer holds every row group's metadata until it closes, so one row group a
    batch grew the main process with the input (about 27 KB a staged-postings group): staging
    row groups gather batches up to STAGE_GROUP_ROWS (or STAGE_GROUP_BYTES)."""
    (tmp_path / "raw" / "fixture").mkdir(parents=True)
    build(tmp_path / "raw", tmp_path / "plain", loaders={"fixture": FixtureSource()},
          processes=1, log=lambda m: None)
    monkeypatch.setattr(build_module, "BATCH_ROWS", 7)
    monkeypatch.setattr(build_module, "STAGE_GROUP_ROWS", 50)
    groups: dict[str, list[int]] = {}

    def stager(folder, *args):
        key_files = build_module._stage_postings(folder, *args)
        for name in ("postings", "technologies", "hashes"):
            meta = pq.ParquetFile(folder / "_staging" / f"{name}.parquet").metadata
            groups[name] = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        return key_files

    build(tmp_path / "raw", tmp_path / "w", loaders={"fixture": FixtureSource()}, processes=1,
          log=lambda m: None, engine=stager)
    staged = sum(groups["postings"])
    assert staged >= 216  # every row read (first seen and duplicates are decided later)
    assert max(groups["postings"]) == 50  # a group is written once 50 rows are held
    assert len(groups["postings"]) <= 2 * staged // 50 + 1 < staged // 7  # not one a batch
    tags = sum(groups["technologies"])
    assert max(groups["technologies"]) == 50 and len(groups["technologies"]) <= 2 * tags // 50 + 1
    assert _tables(tmp_path / "w") == _tables(tmp_path / "plain")


def _coverage(counts: dict[str, int]) -> list[list]:
    """month_coverage's rows for these postings a month (one live source)."""
    return [[m, "s", False, n, f"{m}-01", f"{m}-02"] for m, n in counts.items()]


def test_postings_are_written_in_parts_of_whole_months_when_staged_in_date_order():
    d = dt.date
    months = _coverage({"2024-01": 40, "2024-02": 50, "2024-03": 30, "2024-04": 120,
                        "2024-05": 10})
    months.append(["2024-05", "hn", True, 15, "2024-05-01", "2024-05-09"])  # embedded count too
    ordered = [(d(2024, 1, 1), d(2024, 2, 20), 70), (d(2024, 2, 20), d(2024, 4, 2), 70),
               (d(2024, 4, 2), d(2024, 5, 30), 110)]
    parts = build_module.postings_parts(months, ordered, limit=100)
    assert parts == [(d(2024, 1, 1), d(2024, 2, 29)), (d(2024, 3, 1), d(2024, 3, 31)),
                     (d(2024, 4, 1), d(2024, 4, 30)), (d(2024, 5, 1), d(2024, 5, 31))]
    whole = [(d.min, d.max)]
    # row groups each spanning every month: each part would read the whole file again
    shuffled = [(d(2024, 1, 1), d(2024, 5, 30), 125), (d(2024, 1, 3), d(2024, 5, 29), 125)]
    assert build_module.postings_parts(months, shuffled, limit=100) == whole
    assert build_module.postings_parts(months, None, limit=100) == whole
    assert build_module.postings_parts(months, ordered, limit=1000) == whole  # one part
    assert build_module.postings_parts([], ordered, limit=100) == whole


def test_postings_written_a_part_at_a_time_are_the_postings_written_at_once(tmp_path,
                                                                            monkeypatch):
    """Parts of one month each (PART_ROWS 1) against one part: the same tables, with an
    embedded posting replaced by a live one dated in another month (its part must still drop
    the embedded copy) and another kept."""
    from etl.sources import hn
    from etl.warehouse import embedded

    def text(company: str, language: str) -> str:  # other companies: no duplicates
        return f"{company} | Backend Engineer | Berlin, Germany\n\nWe use {language}."

    archive = tmp_path / "archive"
    write_month(archive, "2024-01", [record(11, "2024-01-02", text("Acme", "Python")),
                                     record(12, "2024-01-09", text("Globex", "Go"))])
    write_month(archive, "2024-02", [record(21, "2024-02-01", text("Initech", "Ruby"))])
    shipped = tmp_path / "embedded"
    embedded.embed(archive, shipped, processes=1, log=lambda m: None)
    raw = tmp_path / "raw" / "hn" / "d"
    write_month(raw, "2024-03", [record(12, "2024-03-04", text("Globex", "Rust")),
                                 record(31, "2024-03-05", text("Hooli", "Java"))])
    write_month(raw, "2024-04", [record(41, "2024-04-01", text("Umbrella", "Elixir"))])
    calls: list[list] = []
    real = build_module.postings_parts

    def spied(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        return calls[-1]

    tag_calls: list[list] = []
    real_tags = build_module.tag_parts

    def spied_tags(*args, **kwargs):
        tag_calls.append(real_tags(*args, **kwargs))
        return tag_calls[-1]

    monkeypatch.setattr(build_module, "postings_parts", spied)
    monkeypatch.setattr(build_module, "tag_parts", spied_tags)
    one = build(tmp_path / "raw", tmp_path / "one", processes=1, log=lambda m: None,
                loaders={"hn": hn.SOURCE}, embedded=shipped)
    monkeypatch.setattr(build_module, "PART_ROWS", 1)
    monkeypatch.setattr(build_module, "STAGE_GROUP_ROWS", 1)  # tag row groups a part can skip
    parts = build(tmp_path / "raw", tmp_path / "parts", processes=1, log=lambda m: None,
                  loaders={"hn": hn.SOURCE}, embedded=shipped)
    assert [len(c) for c in calls] == [1, 4]  # one range; then a part a month (Jan-Apr)
    # the tags: every month file and row at once; then each month's file and the range of its
    # live postings' staged rows (the embedded months none: an empty range)
    assert [(Path(files[0]).parts[-2:], rows) for files, rows in tag_calls[0]] == [
        (("postings", "*.parquet"), (-(1 << 62), 1 << 62))]
    assert [Path(files[0]).name for files, _ in tag_calls[1]] == [
        "2024-01.parquet", "2024-02.parquet", "2024-03.parquet", "2024-04.parquet"]
    ranges = [rows for _, rows in tag_calls[1]]
    assert ranges[:2] == [(1, 0), (1, 0)]
    assert ranges[2][1] - ranges[2][0] == 1 and ranges[3][0] == ranges[3][1]  # 2 rows, 1 row
    assert sorted([*range(ranges[2][0], ranges[2][1] + 1), ranges[3][0]]) == [0, 1, 2]
    assert one["row_counts"] == parts["row_counts"]
    assert one["row_counts"]["postings"] == 5  # 11, 21 embedded; 12 live (replacing), 31, 41
    assert _tables(tmp_path / "one") == _tables(tmp_path / "parts")
    postings = read_table(tmp_path / "parts", "postings").to_pylist()
    assert [p["source_id"] for p in postings] == ["11", "21", "12", "31", "41"]  # by date
    assert [p["posted_date"].month for p in postings] == [1, 2, 3, 3, 4]
    tags = {(t["posting_id"], t["technology_id"])
            for t in read_table(tmp_path / "parts", "posting_technologies").to_pylist()}
    live_12 = next(p["posting_id"] for p in postings if p["source_id"] == "12")
    assert (live_12, "rust") in tags and (live_12, "go") not in tags  # the live copy's tags


def _keys(month: int, first_row: int, n: int) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([
        {"row": first_row + i, "posting_id": f"p{first_row + i}", "source": "s",
         "source_id": str(first_row + i), "month": month, "day": 1, "company_key": "c",
         "title_key": "t", "location_key": "l", "fingerprint": first_row + i, "bands": [1, 2],
         "sketch": [3, 4], "shingles": 9} for i in range(n)], schema=KEYS_SCHEMA)


def test_month_key_files_write_each_batch_as_it_comes_and_read_back(tmp_path):
    """Keys go to one Arrow IPC file per month, each batch's rows of a month written at once
    (the file grows with every write: the main process holds none), a late key of an old
    month reaching its file; read_keys gives them back in the files' order."""
    files = MonthFiles(tmp_path)
    row, sizes = 0, {}
    for month in range(1, 8):
        for _ in range(2):
            files.write(_keys(month, row, 30))
            row += 30
            size = (tmp_path / f"{month}.arrow").stat().st_size
            assert size > sizes.get(month, 0) + 30 * 8  # the batch is on disk, not held
            sizes[month] = size
    mixed = pa.concat_batches([_keys(3, row, 5), _keys(5, row + 5, 2)])
    files.write(mixed)  # a batch of two months: each month's rows to its file
    files.write(_keys(6, 999, 0))  # no rows: nothing written
    paths = files.close()
    assert [p.name for p in paths] == [f"{m}.arrow" for m in range(1, 8)]
    tables = [pa.ipc.open_file(p).read_all() for p in paths]
    assert all(t.schema.equals(KEYS_SCHEMA) for t in tables)
    assert [t.num_rows for t in tables] == [60, 60, 65, 60, 62, 60, 60]
    assert tables[2]["row"].to_pylist() == [*range(120, 180), *range(420, 425)]
    assert tables[4]["row"].to_pylist() == [*range(240, 300), 425, 426]
    keys = build_module.read_keys(paths)
    assert keys.columns == KEYS_SCHEMA.names and keys.height == 427
    assert keys["row"].to_list() == [r for t in tables for r in t["row"].to_pylist()]
    assert keys.row(0, named=True)["sketch"] == [3, 4]
    assert build_module.read_keys([paths[2]])["month"].unique().to_list() == [3]
    empty = build_module.read_keys([])
    assert empty.height == 0 and empty.columns == KEYS_SCHEMA.names


def test_month_key_files_take_keys_in_another_column_order_or_type(tmp_path):
    """An IPC file holds its own schema only: keys with the same columns in another order or
    width are cast to KEYS_SCHEMA, as the Parquet writer did."""
    keys = _keys(4, 0, 3)
    narrow = keys.select(list(reversed(KEYS_SCHEMA.names))).set_column(
        KEYS_SCHEMA.names[::-1].index("row"), "row", pa.array([0, 1, 2], pa.int32()))
    files = MonthFiles(tmp_path)
    files.write(narrow)
    table = pa.ipc.open_file(files.close()[0]).read_all()
    assert table.equals(pa.Table.from_batches([keys]))


class TwoSightings(FixtureSource):
    """Each fixture posting twice: once as posted, once a month later (a later snapshot)."""

    name = "snap"

    def read(self, raw_dir):
        rows = [r for r in fixture_postings() if r["posted_date"]][:24]
        for row in rows:
            yield {**row, "posted_date": row["posted_date"] + dt.timedelta(days=31)}
        yield from rows


class Copies(FixtureSource):
    """The first 12 fixture postings again from another board: 6 in the same month as the
    original, 6 a month later (a repost that counts again under the month rule)."""

    name = "copies"

    def read(self, raw_dir):
        rows = [r for r in fixture_postings() if r["posted_date"]][:12]
        for i, row in enumerate(rows):
            shift = 1 if i < 6 else 31
            yield {**row, "source_id": f"copy-{i}",
                   "posted_date": row["posted_date"] + dt.timedelta(days=shift)}


def test_first_seen_and_the_month_rule(tmp_path):
    for name in ("snap", "copies"):
        (tmp_path / "raw" / name).mkdir(parents=True)
    manifest = build(tmp_path / "raw", tmp_path / "wh",
                     loaders={"snap": TwoSightings(), "copies": Copies()}, processes=1,
                     log=lambda m: None)
    sources = {s["name"]: s for s in manifest["sources"]}
    assert sources["snap"]["rows_read"] == 48 and sources["snap"]["duplicates_same_id"] == 24
    assert sources["copies"]["duplicates_near_or_cross"] == 6
    assert manifest["row_counts"]["postings"] == 24 + 6
    postings = read_table(tmp_path / "wh", "postings").to_pylist()
    first = {r["source_id"]: r["posted_date"] for r in postings if r["source"] == "snap"}
    assert first == {r["source_id"]: r["posted_date"] for r in fixture_postings()[:24]}
    assert json.loads((tmp_path / "wh" / "manifest.json").read_text())["row_counts"] == \
        manifest["row_counts"]


@dataclass(frozen=True)
class Flaky(FileSource):
    """JSON Lines files whose reading fails at a line "BOOM" (in the worker's part of reading:
    piece_records), so the file is refused from there on, after the rows before it."""

    name: str = "flaky"
    suffixes: tuple[str, ...] = (".jsonl",)

    def read_records(self, path: Path):
        with open(path, encoding="utf-8") as handle:
            yield from self._records(enumerate(handle, start=1))

    def read_pieces(self, path: Path, size: int):
        with open(path, encoding="utf-8") as handle:
            yield from line_pieces(handle, size)

    def piece_records(self, piece, path: Path):
        return self._records(piece.numbered())

    def _records(self, lines):
        for number, line in lines:
            if line.strip() == "BOOM":
                raise RecordProblem("the reader gave up", row=number)
            yield number, json.loads(line)

    def make_row(self, raw: object, path: Path) -> dict:
        return {"source_id": raw["id"], "posted_date": dt.date.fromisoformat(raw["date"]),
                "title": "Backend engineer", "company": "Flaky Ltd",
                "description": f"Posting {raw['id']}: Python and Go on Kubernetes."}


def _multi_file_raw(root: Path) -> dict:
    """Several sources of several files each: the synthetic sample (a file per year, one of
    them cut short: gzip fails part-way, in the main process's reading), HN archive months,
    the own-file CSV, and Flaky (fails part-way in a worker's reading)."""
    write_raw_set(root, n=150)
    sample = root / "sample"
    whole = (sample / "postings-2024.jsonl.gz").read_bytes()
    (sample / "postings-2015.jsonl.gz").write_bytes(whole[: len(whole) * 2 // 3])
    for month, ids in (("2024-03", range(1, 9)), ("2024-04", range(5, 14))):
        lines = [record(i, f"{month}-1{i % 9}", f"Acme {i} | Engineer | Remote\nWe use Python "
                        f"and Rust. Posting {i}.") for i in ids]
        write_month(root / "hn", month, [*lines[:3], "{not json", "", *lines[3:]])
    (root / "flaky").mkdir()
    for name, first in (("b.jsonl", 0), ("a.jsonl", 100)):
        lines = [json.dumps({"id": f"f{first + i}", "date": f"2025-0{1 + i % 9}-1{i % 9}"})
                 for i in range(20)]
        lines.insert(13 if first else 20, "BOOM")
        (root / "flaky" / name).write_text("\n".join(lines) + "\n")
    return {**{name: sources()[name] for name in ("sample", "hn", "own")}, "flaky": Flaky()}


def _parquet_files(warehouse: Path) -> dict[str, pa.Table]:
    folder = warehouse.resolve()
    return {p.relative_to(folder).as_posix(): pq.read_table(p)
            for p in sorted(folder.rglob("*.parquet"))}


class ReadWhole:
    """A source seen through its read() alone (not a FileSource): the build reads it in the
    main process into staging batches, as before pieces (and as the Spark engine's driver)."""

    def __init__(self, source):
        self.source = source
        self.name, self.title, self.kind = source.name, source.title, source.kind
        self.licence = source.licence

    def read(self, raw_dir):
        return self.source.read(raw_dir)


def test_reading_in_pieces_in_one_or_two_processes_builds_the_same_warehouse(tmp_path,
                                                                              monkeypatch):
    loaders = _multi_file_raw(tmp_path / "raw")
    whole = {name: ReadWhole(source) for name, source in loaders.items()}
    options = {"log": lambda m: None, "now": BUILD_TIME, "use_tag_cache": False}
    build(tmp_path / "raw", tmp_path / "read", loaders=whole, processes=1, **options)
    build(tmp_path / "raw", tmp_path / "one", loaders=loaders, processes=1, **options)
    monkeypatch.setattr(build_module, "BATCH_ROWS", 7)  # many pieces a file, files split
    build(tmp_path / "raw", tmp_path / "two", loaders=loaders, processes=2, **options)

    files = {name: _parquet_files(tmp_path / name) for name in ("read", "one", "two")}
    for other in ("one", "two"):
        assert warehouse_differences(tmp_path / "read", tmp_path / other) == []
        assert list(files[other]) == list(files["read"])
        for name, table in files["read"].items():  # every file, dedup keys and tag cache too
            assert sorted_rows(files[other][name]).equals(sorted_rows(table)), name
            if name.startswith(("postings/", "posting_technologies/")):
                assert files[other][name].equals(table), name  # and in the same order
    manifest = json.loads((tmp_path / "two" / "manifest.json").read_text())
    read = {s["name"]: s["rows_read"] for s in manifest["sources"]}
    assert read["sample"] > 100 and read["hn"] == 17 and read["own"] > 0 and read["flaky"] == 33
    refused = {q["file"].rsplit("/", 1)[-1]: (q["row"], q["reason"])
               for q in files["two"]["quarantine.parquet"].to_pylist()
               if "which are kept" in q["reason"]}
    assert refused.pop("b.jsonl") == ("21", "the reader gave up (after 20 rows, which are kept)")
    assert refused.pop("a.jsonl") == ("14", "the reader gave up (after 13 rows, which are kept)")
    row, reason = refused.pop("postings-2015.jsonl.gz")  # gzip cut short, read in the main
    assert row == "-" and reason.startswith("cannot read the file (EOFError") and not refused


def test_workers_start_without_the_callers_main_script(tmp_path, monkeypatch):
    """The pool's workers do not run the caller's __main__ first: here a main script that fails
    when run again (as the app's page script does under AppTest, which made the pool wait for
    ever) and has no __main__ guard; the two-process build finishes and equals the one-process
    build."""
    import sys
    import types

    script = tmp_path / "page.py"
    script.write_text("raise RuntimeError('the page script ran again in a worker')\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake)
    raw = tmp_path / "raw"
    write_sample(raw / "sample", seed=5, n=120, until=dt.date(2025, 6, 1))
    loaders = {"sample": sources()["sample"]}
    for processes in (1, 2):
        build(raw, tmp_path / f"wh{processes}", loaders=loaders, processes=processes,
              log=lambda m: None)
    one, two = (read_table(tmp_path / f"wh{n}", "postings").drop_columns(["ingested_at"])
                for n in (1, 2))
    assert one.num_rows > 100
    assert one.equals(two)
    assert sys.modules["__main__"] is fake
