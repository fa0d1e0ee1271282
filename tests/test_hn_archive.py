"""The HN archive's month files: ingest (stored unmodified), reading, the month rule in a build."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.ingest import file_sha256
from etl.sources import hn
from etl.sources.base import Rejected
from etl.warehouse.build import build
from etl.warehouse.schema import posting_id, table_source
from tests.conftest import PROJECT_ROOT


def _ts(day: str, hour: int = 12) -> int:
    return int(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00").timestamp())


def record(item_id: int, day: str, text: str, **llm) -> dict:
    """One archive line: HN fields plus (optionally) the archive's own LLM guesses."""
    return {"id": item_id, "author": f"user{item_id}", "ts": _ts(day), "company": None,
            "roles": [], "location": None, "remote_type": None, "remote_regions": [],
            "salary_min": None, "salary_max": None, "salary_currency": None, "tech_stack": [],
            "job_type": None, "visa": None, "text": text, **llm}


def write_month(folder: Path, month: str, records: list[dict | str], gz: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    path = folder / f"{month}.jsonl{'.gz' if gz else ''}"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def _split(items):
    items = list(items)
    return ([i for i in items if not isinstance(i, Rejected)],
            [i for i in items if isinstance(i, Rejected)])


ACME = "Acme | Senior Backend Engineer | Berlin, Germany | Full-time\n\nWe use Python and Postgres."


def test_archive_lines_are_postings_read_from_the_text_not_the_llm_fields(tmp_path):
    raw = tmp_path / "hn" / "2026-01-01"
    write_month(raw, "2024-01", [
        record(101, "2024-01-02", ACME, company="Not Acme", salary_min=999999,
               salary_currency="JPY", tech_stack=["Haskell"], remote_type="remote"),
        record(102, "2024-01-03", "  Globex - Data Engineer - Remote\n\nSpark &amp; Scala  \n"),
        "{not json",
        record(103, "2024-01-04", ""),
    ])
    rows, rejected = _split(hn.SOURCE.read(tmp_path / "hn"))
    assert [r["source_id"] for r in rows] == ["101", "102"]
    acme = rows[0]
    assert acme["company"] == "Acme" and acme["title"] == "Senior Backend Engineer"
    assert acme["location_raw"] == "Berlin, Germany" and acme["employment_type"] == "full_time"
    assert "salary_text" not in acme and "remote" not in acme  # the LLM's guesses are not read
    assert acme["url"] == "https://news.ycombinator.com/item?id=101"
    assert acme["posted_date"] == dt.date(2024, 1, 2)
    # plain text is kept as written: no HTML decoding of a literal "&amp;"
    assert rows[1]["description"] == "Globex - Data Engineer - Remote\n\nSpark &amp; Scala"
    assert sorted((r.row, r.reason.split(" (")[0]) for r in rejected) == [
        ("103", "empty text"), ("3", "not valid JSON")]
    assert all(r.file.endswith("2024-01.jsonl.gz") for r in rejected)


def test_plain_and_gzipped_month_files_read_the_same(tmp_path):
    lines = [record(7, "2023-05-02", ACME)]
    write_month(tmp_path / "a" / "hn" / "d", "2023-05", lines, gz=True)
    write_month(tmp_path / "b" / "hn" / "d", "2023-05", lines, gz=False)
    a, _ = _split(hn.SOURCE.read(tmp_path / "a" / "hn"))
    b, _ = _split(hn.SOURCE.read(tmp_path / "b" / "hn"))
    # each row names the file it came from (for quarantine later): only that differs
    assert [r.pop("_file") for r in a + b] == ["hn/d/2023-05.jsonl.gz", "hn/d/2023-05.jsonl"]
    assert a == b and len(a) == 1


def test_a_comment_dated_outside_its_thread_month_counts_in_the_thread_month(tmp_path):
    write_month(tmp_path / "hn" / "d", "2024-01", [
        record(1, "2024-02-03", ACME), record(2, "2023-12-31", ACME + " x"),
        record(3, "2024-01-15", ACME + " y")])
    rows, _ = _split(hn.SOURCE.read(tmp_path / "hn"))
    assert {r["source_id"]: r["posted_date"] for r in rows} == {
        "1": dt.date(2024, 1, 31), "2": dt.date(2024, 1, 1), "3": dt.date(2024, 1, 15)}


def test_in_month():
    assert hn.in_month(dt.date(2024, 3, 2), (2024, 2)) == dt.date(2024, 2, 29)
    assert hn.in_month(dt.date(2024, 3, 2), None) == dt.date(2024, 3, 2)


def test_ingest_from_dir_stores_month_files_unmodified_and_skips_them_on_rerun(tmp_path):
    src = tmp_path / "archive"
    gz = write_month(src, "2024-01", [record(1, "2024-01-02", ACME)])
    plain = write_month(src, "2024-02", [record(2, "2024-02-02", ACME)], gz=False)
    (src / "notes.txt").write_text("hello")
    report = hn.ingest(tmp_path / "raw" / "hn", from_dir=src, fetch_date=dt.date(2026, 1, 5))
    assert report.ok and len(report.files_written) == 2
    assert {file_sha256(p) for p in report.files_written} == {file_sha256(gz), file_sha256(plain)}
    assert report.left_out == ["notes.txt: not a .json, .jsonl or .jsonl.gz file"]
    again = hn.ingest(tmp_path / "raw" / "hn", from_dir=src, fetch_date=dt.date(2026, 1, 6))
    assert again.files_written == [] and again.skipped == 2


def test_a_folder_with_nothing_readable_says_what_it_found_and_why(tmp_path):
    src = tmp_path / "junk"
    src.mkdir()
    (src / "readme.md").write_text("# hi")
    (src / "2024-01.jsonl").write_text('{"title": "no posting here"}\n')
    (src / "broken.jsonl.gz").write_bytes(b"\x1f\x8b not really gzip")
    (src / "other.json").write_text('{"hits": []}')
    (src / "sub").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "etl", "ingest", "--raw-root", str(tmp_path / "raw"), "hn",
         "--from-dir", str(src)], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 1
    assert "0 file(s) written" in done.stdout and "5 left out" in done.stdout
    err = done.stderr
    assert "left out 2024-01.jsonl: JSON Lines, but its first record has no id, ts and text" in err
    assert "left out broken.jsonl.gz: not readable as JSON Lines" in err
    assert "left out other.json: JSON, but neither a thread nor a run of jobs" in err
    assert "left out readme.md: not a .json, .jsonl or .jsonl.gz file" in err
    assert "left out sub: a folder" in err
    assert "nothing to ingest: found 5 file(s)" in err
    assert not (tmp_path / "raw" / "hn").exists()


# --- the month rule, through the real build ----------------------------------------------------

class Staged:
    """A postings source giving fixed staging rows (a second source beside hn)."""

    kind = "postings"
    licence = "test data"

    def __init__(self, name: str, rows: list[dict]):
        self.name, self.title, self.rows = name, name, rows

    def read(self, raw_dir):
        yield from self.rows


BODY = ("Acme builds payment APIs in Python with PostgreSQL on AWS. You will own services end "
        "to end, review code, mentor two engineers and ship every day with a small team.")


def test_month_rule_in_the_warehouse(tmp_path):
    """Same posting twice in a month, or at two sources in a month: once. Next month: again."""
    text = f"Acme | Backend Engineer | Berlin, Germany\n\n{BODY}"
    write_month(tmp_path / "raw" / "hn" / "d", "2024-01", [
        record(1, "2024-01-02", text),
        record(2, "2024-01-20", text),           # the same posting again in January's thread
        record(3, "2024-01-03", text.replace("Backend Engineer", "Data Analyst")
               .replace("Python", "R and SQL"))])  # another job at Acme: counts
    write_month(tmp_path / "raw" / "hn" / "d", "2024-02", [record(4, "2024-02-01", text)])
    (tmp_path / "raw" / "board").mkdir()
    board = Staged("board", [
        {"source_id": "b1", "posted_date": dt.date(2024, 1, 25), "title": "Backend Engineer",
         "company": "Acme GmbH", "location_raw": "Berlin", "description": BODY},
        {"source_id": "b2", "posted_date": dt.date(2024, 3, 1), "title": "Backend Engineer",
         "company": "Acme", "location_raw": "Berlin", "description": BODY}])
    manifest = build(tmp_path / "raw", tmp_path / "wh", processes=1, log=lambda m: None,
                     loaders={"hn": hn.SOURCE, "board": board})
    con = duckdb.connect()
    months = dict(con.sql(
        "select strftime(month, '%Y-%m'), sum(postings)::int from read_parquet($p) group by 1",
        params={"p": str(tmp_path / "wh" / "rollup_postings.parquet")}).fetchall())
    assert months == {"2024-01": 2, "2024-02": 1, "2024-03": 1}
    python = dict(con.sql(
        "select strftime(month, '%Y-%m'), sum(postings)::int from read_parquet($p) "
        "where technology_id = 'python' group by 1",
        params={"p": table_source(tmp_path / "wh", "rollup_technologies")}).fetchall())
    assert python == {"2024-01": 1, "2024-02": 1, "2024-03": 1}
    kept = {r[0] for r in con.sql("select posting_id from read_parquet($p)", params={
        "p": table_source(tmp_path / "wh", "postings")}).fetchall()}
    assert posting_id("hn", "1") in kept and posting_id("hn", "2") not in kept
    assert posting_id("board", "b1") not in kept and posting_id("board", "b2") in kept
    hn_source = next(s for s in manifest["sources"] if s["name"] == "hn")
    assert hn_source["duplicates_near_or_cross"] == 1


def test_a_real_archive_month_reads_whole(shared_data, tmp_path):
    path = shared_data / "hn_archive" / "2014-06.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [json.loads(line) for line in fh if line.strip()]
    src = tmp_path / "archive"
    src.mkdir()
    (src / path.name).symlink_to(path)
    report = hn.ingest(tmp_path / "hn", from_dir=src, fetch_date=dt.date(2026, 1, 1))
    assert report.ok and len(report.files_written) == 1 and report.left_out == []
    assert file_sha256(report.files_written[0]) == file_sha256(path)
    rows, rejected = _split(hn.SOURCE.read(tmp_path / "hn"))
    june = [r for r in rows if r["posted_date"].strftime("%Y-%m") == "2014-06"]
    assert len(june) == len(rows)
    assert len(june) + sum(r.file.endswith("2014-06.jsonl.gz") for r in rejected) == len(lines)
    assert len(june) >= 0.99 * len(lines)
    assert all(r["url"].endswith(f"id={r['source_id']}") for r in june)


@pytest.mark.parametrize("name", ["2012-12.jsonl.gz", "2026-03.jsonl.gz"])
def test_first_and_last_archive_months_are_readable(shared_data, tmp_path, name):
    raw = tmp_path / "hn" / "d"
    raw.mkdir(parents=True)
    (raw / name).write_bytes((shared_data / "hn_archive" / name).read_bytes())
    rows, rejected = _split(hn.SOURCE.read(tmp_path / "hn"))
    assert len(rows) > 200 and len(rejected) <= len(rows) * 0.01
    assert {r["posted_date"].strftime("%Y-%m") for r in rows} == {name[:7]}
