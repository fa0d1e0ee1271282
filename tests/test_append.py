"""python -m etl build --append (issue 11 item 3): a new month's raw file added to a warehouse
equals a full build over the same raw files row for row, with the month rule kept across the
warehouse's and the new postings; anything only a full build can get right is refused."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from etl.__main__ import main
from etl.sample import write_sample
from etl.sources import sources
from etl.warehouse import append as append_module
from etl.warehouse.append import AppendRefused, append
from etl.warehouse.build import DROPPED_KEYS, KEYS_SCHEMA, build, write_rollups
from etl.warehouse.lock import BuildRunning, build_lock
from etl.warehouse.rollups import ANSWER_TABLES, ROW_GROUP_ROWS
from etl.warehouse.schema import FOLDER_TABLES, YEARLY_TABLES, month_files, read_table
from tests.test_streaming_build import TABLES

UNTIL = dt.date(2025, 12, 1)
NEW_FILE = "postings-zz-2025-12.jsonl.gz"
ROLLUPS = ("rollup_postings", "rollup_technologies", "rollup_categories", "salaries")


def _records(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _write(path, records: list[dict], extra_lines: tuple[str, ...] = ()) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")


def _shifted(record: dict, days: int, new_id: str | None = None) -> dict:
    stamp = dt.datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))
    out = {**record, "published_at": (stamp + dt.timedelta(days=days)).isoformat()}
    if new_id:
        out["id"] = new_id
    return out


def _month_of(record: dict) -> str:
    return record["published_at"][:7]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    """A sample raw folder without its last month, and that month as a new file (with copies of
    earlier postings: same month later and earlier, a later month, a later sighting, a bad line).
    """
    root = tmp_path_factory.mktemp("append")
    sample = root / "raw" / "sample"
    write_sample(sample, n=3000, until=UNTIL)
    last_year = sample / "postings-2025.jsonl.gz"
    records = _records(last_year)
    december = [r for r in records if _month_of(r) == "2025-12"]
    november = [r for r in records
                if _month_of(r) == "2025-11" and "02" < r["published_at"][8:10] < "29"]
    october = [r for r in records if _month_of(r) == "2025-10"]
    assert len(december) > 10 and len(november) > 12 and len(october) > 3
    _write(last_year, [r for r in records if _month_of(r) != "2025-12"])
    new = list(december)
    new += [_shifted(r, 1, f"copy-same-month-{i}") for i, r in enumerate(november[:5])]
    new += [_shifted(r, -1, f"copy-earlier-{i}") for i, r in enumerate(november[5:8])]
    new += [_shifted(r, 0, f"repost-{i}") | {"published_at": "2025-12-03T09:00:00+00:00"}
            for i, r in enumerate(october[:3])]
    new += [_shifted(r, 0) | {"published_at": "2025-12-05T09:00:00+00:00"}
            for r in november[8:10]]  # later sightings: same id, later date
    new += [_shifted(december[0], 1, "exact-copy-in-december")]
    new_file = root / "new" / NEW_FILE
    new_file.parent.mkdir()
    _write(new_file, new, extra_lines=("{not json",))
    return root


def _tables(warehouse) -> dict[str, list[dict]]:
    """Every table of the warehouse (rollups included, whatever their names), rows sorted."""
    out = {}
    names = sorted([p.stem for p in warehouse.glob("*.parquet")]
                   + [t for t in FOLDER_TABLES if (warehouse / t).is_dir()])
    assert set(TABLES) <= set(names)
    for name in names:
        table = read_table(warehouse, name)
        out[name] = sorted(table.drop_columns(
            [c for c in ("ingested_at",) if c in table.column_names]).to_pylist(), key=repr)
    return out


# The tables the build writes in small row groups (ROW_GROUP_ROWS), with groups small enough
# here that the sample's tables hold several
SMALL_GROUPS = 40
# The rows one sort of an append's rewrite takes (append.PART_ROWS), small enough here that
# every table is rewritten in many parts, some values cut by a second key
SMALL_PARTS = 25


@pytest.fixture(scope="module")
def appended(raw, tmp_path_factory):
    """(warehouse built, then appended; warehouse built in full; the append's manifest)."""
    root = tmp_path_factory.mktemp("appended")
    loaders = {"sample": sources()["sample"]}
    shutil.copytree(raw / "raw", root / "raw")
    with pytest.MonkeyPatch.context() as patch:
        for name in ROW_GROUP_ROWS:
            patch.setitem(ROW_GROUP_ROWS, name, SMALL_GROUPS)
        patch.setattr(append_module, "PART_ROWS", SMALL_PARTS)
        before = build(root / "raw", root / "wh", loaders=loaders, processes=1,
                       log=lambda m: None)
        assert "2025-12" not in str(before["date_range"][1])
        shutil.copy(raw / "new" / NEW_FILE, root / "raw" / "sample" / NEW_FILE)
        manifest = append(root / "raw", root / "wh", loaders=loaders, processes=2,
                          log=lambda m: None)
        full = build(root / "raw", root / "full", loaders=loaders, processes=1,
                     log=lambda m: None)
    return root, before, manifest, full


def test_append_equals_a_full_build_row_for_row(appended):
    root, _, manifest, full = appended
    got, want = _tables(root / "wh"), _tables(root / "full")
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    assert manifest["row_counts"] == full["row_counts"]
    assert manifest["date_range"] == full["date_range"]
    assert manifest["raw_files"] == full["raw_files"]
    # rows_read and duplicates_same_id may differ: the sample source keeps the first sighting
    # of an id across its files itself, so a full build never reads the two later sightings
    # an append reads (alone in the new file) and drops as same-id duplicates.
    keep = ("rejected", "postings", "first_date", "last_date", "duplicates_near_or_cross")
    assert [{k: s[k] for k in keep} for s in manifest["sources"]] == \
        [{k: s[k] for k in keep} for s in full["sources"]]


def test_an_append_keeps_the_builds_row_groups(appended):
    """A table the build writes in small row groups (a narrowed view skips them) keeps them
    when an append rewrites it from its untouched months' rows and the new ones (the answer
    tables are written whole by DuckDB both times, in groups of at least its 2,048 rows)."""
    root, *_ = appended
    checked = 0
    for name in set(ROW_GROUP_ROWS) - set(ANSWER_TABLES):
        path = root / "wh" / f"{name}.parquet"
        # a single file, or a year folder's file of the year the append touched
        path = month_files(root / "wh", name)["2025"] if name in YEARLY_TABLES else path
        if not path.is_file():
            continue  # a table this sample does not get
        meta = pq.ParquetFile(path).metadata
        groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert len(groups) > 1 and max(groups) <= SMALL_GROUPS, (name, groups)
        checked += 1
    assert checked >= 4


def test_an_append_keeps_each_rewritten_table_in_the_builds_order(appended):
    """The single-file tables an append rewrites (in parts of SMALL_PARTS rows, each sorted
    alone) are stored in the order the build gives them: nulls last, as DuckDB sorts."""
    root, *_ = appended
    con = duckdb.connect()
    checked = 0
    year_files = [(name, path) for name in YEARLY_TABLES
                  for path in month_files(root / "wh", name).values()]
    assert len(year_files) > 30  # each year of the sample
    for name, path in [(p.stem, p) for p in sorted((root / "wh").glob("*.parquet"))] + year_files:
        columns = pq.read_schema(path).names
        column = "month" if "month" in columns else None
        if name in ANSWER_TABLES or column is None:
            continue
        order = append_module.order_in_file(name, columns, column)
        stored = con.sql(f"select {order} from read_parquet($p)",
                         params={"p": str(path)}).fetchall()
        ranked = con.sql(f"select {order} from read_parquet($p) order by {order}",
                         params={"p": str(path)}).fetchall()
        assert stored == ranked, name
        checked += len(stored) > 3 * SMALL_PARTS
    assert checked >= 8


def test_parts_in_order_cut_by_the_next_key_and_keep_nulls_last():
    """Every row in exactly one part, parts in the keys' order, none over the limit unless one
    value of the last key holds more."""
    con = duckdb.connect()
    con.sql("""create table t as select (i % 7)::integer as a,
                      case when i % 11 = 0 then null else (i % 5)::varchar end as b,
                      if(i % 13 = 0, null, i % 3) as c, i
               from range(2000) r(i)""")
    rows = "select * from t"
    order = "a, b, c"
    parts = append_module._parts_in_order(con, rows, {}, ["a", "b", "c"], limit=40)
    got = []
    for where, bound in parts:
        part = con.sql(f"select a, b, c, i from ({rows}) where {where} order by {order}, i",
                       params=bound).fetchall()
        assert 0 < len(part) <= 40
        got += part
    assert sorted(r[3] for r in got) == list(range(2000))
    want = con.sql(f"select a, b, c, i from t order by {order}, i").fetchall()
    assert [r[:3] for r in got] == [r[:3] for r in want]
    assert any("is null" in where for where, _ in parts)
    assert any("$eq1" in where for where, _ in parts)  # a value of b cut by c
    assert len(parts) > 20


def test_the_month_rule_across_the_warehouse_and_the_new_postings(appended):
    root, before, manifest, _ = appended
    ids = {r["source_id"]: r["posted_date"] for r in
           read_table(root / "wh", "postings",
                      columns=["source_id", "posted_date"]).to_pylist()}
    assert not any(i.startswith("copy-same-month") for i in ids)  # duplicates within November
    assert sum(i.startswith("copy-earlier") for i in ids) == 3  # earlier copies win ...
    assert sum(i.startswith("repost") for i in ids) == 3  # a later month counts again
    assert "exact-copy-in-december" not in ids
    last = manifest["appended"][-1]
    assert last["months_touched"] == ["2025-11", "2025-12"]
    assert last["rollups"] == "touched months"
    assert last["answer_years"] == [2025]  # the touched months' and both last months' year
    assert last["earlier_postings_removed"] == 3  # ... and remove the warehouse's originals
    assert last["rejected"] == 1 and last["files"] == {"sample": [NEW_FILE]}
    sample = manifest["sources"][0]
    was = before["sources"][0]
    assert sample["duplicates_same_id"] - was["duplicates_same_id"] == 2
    assert sample["duplicates_near_or_cross"] - was["duplicates_near_or_cross"] == 5 + 3 + 1
    assert manifest["row_counts"]["postings"] - before["row_counts"]["postings"] == \
        last["postings_read"] - 2 - 5 - 1 - 3


def _previous_build(root):
    """The warehouse as built before the append: its folder, which the append's swap keeps."""
    old_folder = sorted(p for p in root.glob(".wh-*") if p.resolve() != (root / "wh").resolve())
    assert len(old_folder) == 1
    return old_folder[0]


def _dropped_keys(warehouse) -> list[dict]:
    """The warehouse's stored keys of the rows a month's duplicates removed, sorted, without the
    row number (a build's reading order, which an append's differs from)."""
    table = pq.read_table(warehouse / DROPPED_KEYS)
    assert table.schema.equals(KEYS_SCHEMA)
    return sorted(table.drop_columns(["row"]).to_pylist(), key=repr)


def test_the_removed_duplicates_keys_are_the_same_as_a_full_builds(appended):
    """A build keeps the keys of exactly the postings a month's duplicates removed (the source's
    duplicates_near_or_cross), and the append's keys are the full build's."""
    root, before, manifest, full = appended
    got, want = _dropped_keys(root / "wh"), _dropped_keys(root / "full")
    assert len(want) == full["sources"][0]["duplicates_near_or_cross"] > 5
    assert len(_dropped_keys(_previous_build(root))) == \
        before["sources"][0]["duplicates_near_or_cross"]
    kept = {r["posting_id"] for r in read_table(root / "full", "postings",
                                                columns=["posting_id"]).to_pylist()}
    assert not {r["posting_id"] for r in want} & kept
    assert got == want


def test_rollups_keep_untouched_months_and_gain_the_new_one(appended):
    root, *_ = appended
    old_folder = _previous_build(root)
    for name in ROLLUPS:
        old = read_table(old_folder, name).to_pylist()
        new = read_table(root / "wh", name).to_pylist()
        untouched = sorted((r for r in new if str(r["month"]) < "2025-11"), key=repr)
        assert untouched == sorted((r for r in old if str(r["month"]) < "2025-11"), key=repr)
        assert any(str(r["month"]) == "2025-12-01" for r in new), name
        assert not any(str(r["month"]) == "2025-12-01" for r in old), name


def _moved(records: list[dict], months: tuple[str, ...], prefix: str) -> list[dict]:
    """Copies of postings with pay under new ids, dated in the months (in turn)."""
    paid = [r for r in records if r.get("salary")][:4 * len(months)]
    return [{**r, "id": f"{prefix}-{i}",
             "published_at": f"{months[i % len(months)]}-{10 + i:02d}T09:00:00+00:00"}
            for i, r in enumerate(paid)]


@pytest.mark.parametrize(("months", "years"), [
    (("2026-01", "2023-06"), [2023, 2025, 2026]),  # a new last month, in a new year
    (("2024-03",), [2024, 2025]),  # the same last month
])
def test_an_append_makes_the_answer_rows_of_the_years_it_changes(appended, tmp_path, months,
                                                                   years):
    """The answer tables' rows of the years an append touches, and of the years of the last
    month with pay before and after it, are made again; the others are kept with the new ends'
    names. Either way every table equals a full build's, row for row."""
    root, *_ = appended
    loaders = {"sample": sources()["sample"]}
    shutil.copytree(root / "raw", tmp_path / "raw")
    shutil.copytree(root / "wh", tmp_path / "wh")
    sample = tmp_path / "raw" / "sample"
    _write(sample / "postings-zz-later.jsonl.gz",
           _moved(_records(sample / "postings-2021.jsonl.gz"), months, "moved"))
    before = _tables(tmp_path / "wh")
    manifest = append(tmp_path / "raw", tmp_path / "wh", loaders=loaders, processes=1,
                      log=lambda m: None)
    assert manifest["appended"][-1]["answer_years"] == years
    full = build(tmp_path / "raw", tmp_path / "full", loaders=loaders, processes=1,
                 log=lambda m: None)
    got, want = _tables(tmp_path / "wh"), _tables(tmp_path / "full")
    assert sorted(got) == sorted(want)
    for name in want:  # the year files too: a new year's (2026) and an earlier year's
        assert got[name] == want[name], name
    assert manifest["row_counts"] == full["row_counts"]
    for year in {int(m[:4]) for m in months}:  # a touched year's new pay changed its rows
        assert [r for r in got["salary_cells_whole"] if r["year"] == year] != \
            [r for r in before["salary_cells_whole"] if r["year"] == year], year
    ends = sorted({r["upto_month"] for r in got["pay_premium_whole"]})
    assert [str(m)[:7] for m in ends] == (["2025-12", "2026-01"] if "2026-01" in months
                                          else ["2025-11", "2025-12"])


def test_appending_nothing_new_leaves_the_warehouse(appended):
    root, *_ = appended
    target = (root / "wh").resolve()
    manifest = append(root / "raw", root / "wh", loaders={"sample": sources()["sample"]},
                      log=lambda m: None)
    assert manifest["nothing_new"] is True and (root / "wh").resolve() == target


def _base(raw, tmp_path):
    shutil.copytree(raw / "raw", tmp_path / "raw")
    build(tmp_path / "raw", tmp_path / "wh", loaders={"sample": sources()["sample"]},
          processes=1, log=lambda m: None)
    return (tmp_path / "wh").resolve()


def test_refusals_leave_the_warehouse_as_it_was(raw, tmp_path):
    loaders = {"sample": sources()["sample"]}
    target = _base(raw, tmp_path)
    sample = tmp_path / "raw" / "sample"
    first = _records(sample / "postings-2020.jsonl.gz")[0]
    _write(sample / "postings-zz-early.jsonl.gz", [_shifted(first, -3)])  # an earlier sighting
    day = r"\d{4}-\d\d-\d\d"
    with pytest.raises(AppendRefused, match=rf"^sample posting \S+ dated {day} is an earlier "
                       rf"sighting of one the warehouse holds from {day}: run a full build$"):
        append(tmp_path / "raw", tmp_path / "wh", loaders=loaders, processes=1,
               log=lambda m: None)
    (sample / "postings-zz-early.jsonl.gz").unlink()
    (sample / "postings-2016.jsonl.gz").write_bytes(b"changed")
    with pytest.raises(AppendRefused, match="postings-2016.jsonl.gz changed"):
        append(tmp_path / "raw", tmp_path / "wh", loaders=loaders, log=lambda m: None)
    assert (tmp_path / "wh").resolve() == target
    assert [p.name for p in tmp_path.glob(".wh-*")] == [target.name]


def test_a_crash_leaves_the_previous_warehouse_and_the_lock_is_taken(raw, tmp_path,
                                                                     monkeypatch):
    loaders = {"sample": sources()["sample"]}
    target = _base(raw, tmp_path)
    shutil.copy(raw / "new" / NEW_FILE, tmp_path / "raw" / "sample" / NEW_FILE)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(append_module, "write_touched_rollups", crash)
    with pytest.raises(OSError, match="disk full"):
        append(tmp_path / "raw", tmp_path / "wh", loaders=loaders, processes=1,
               log=lambda m: None)
    assert (tmp_path / "wh").resolve() == target
    assert [p.name for p in tmp_path.glob(".wh-*")] == [target.name]
    assert read_table(tmp_path / "wh", "postings", ["posting_id"]).num_rows > 2000
    monkeypatch.undo()
    with build_lock(tmp_path / "wh"), pytest.raises(BuildRunning):
        append(tmp_path / "raw", tmp_path / "wh", loaders=loaders, log=lambda m: None)


def test_the_command_line_appends(raw, tmp_path, capsys):
    _base(raw, tmp_path)
    shutil.copy(raw / "new" / NEW_FILE, tmp_path / "raw" / "sample" / NEW_FILE)
    args = ["build", "--append", "--raw", str(tmp_path / "raw"), "--warehouse",
            str(tmp_path / "wh"), "--no-embedded", "--processes", "1"]
    assert main(args) == 0
    assert "appended:" in capsys.readouterr().out
    assert main(args) == 0
    assert "nothing new to append" in capsys.readouterr().out


def test_rollups_without_answers_write_every_other_table_the_same(appended, tmp_path):
    """write_rollups(answers=False), as an append runs it over the touched months: no answer
    table, every other rollup as the full build wrote it."""
    root, _, _, _ = appended
    full = (root / "full").resolve()
    for table in ("postings", "posting_technologies"):
        shutil.copytree(full / table, tmp_path / table)
    shutil.copy(full / "technologies.parquet", tmp_path / "technologies.parquet")
    counts = write_rollups(tmp_path, answers=False)
    assert not set(counts) & set(ANSWER_TABLES)
    assert not any((tmp_path / f"{name}.parquet").exists() for name in ANSWER_TABLES)
    assert {"salary_values", "salary_technologies", "technology_sets", "rollup_technologies",
            "technology_pairs_by_month"} <= set(counts)
    for name in counts:
        assert sorted(read_table(tmp_path, name).to_pylist(), key=repr) == \
            sorted(read_table(full, name).to_pylist(), key=repr), name
