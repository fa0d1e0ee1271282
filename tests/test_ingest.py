"""Ingest core: raw files stored unmodified, reruns skip what is stored, the ingest command."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from etl import ingest

FIXTURES = Path(__file__).parent / "fixtures"
MY_SOURCES = ("hn", "linkedin", "so_survey", "indeed", "own")


def test_copy_is_byte_identical_and_rerun_skips(tmp_path):
    src = tmp_path / "in" / "postings.csv"
    src.parent.mkdir()
    body = "id,text\r\n1,\"multi\nline é\"\r\n".encode()
    src.write_bytes(body)
    raw = tmp_path / "raw" / "own"
    calls = []

    first = ingest.copy_files([src], raw, ingest.IngestReport("own"), dt.date(2026, 3, 1),
                              lambda done, total, message: calls.append((done, total, message)))
    renamed = tmp_path / "in" / "same_bytes.csv"
    renamed.write_bytes(body)
    second = ingest.copy_files([src, renamed], raw, ingest.IngestReport("own"),
                               dt.date(2026, 3, 2))

    stored = raw / "2026-03-01" / "postings.csv"
    assert first.files_written == [stored] and first.skipped == 0
    assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(body).digest()
    assert (second.files_written, second.skipped, second.errors) == ([], 2, [])
    assert not (raw / "2026-03-02").exists()
    assert calls == [(1, 1, f"postings.csv: stored as {stored}")]
    assert second.summary() == "own: 0 file(s) written, 2 already stored (skipped)"


def test_changed_file_with_same_name_is_kept_beside(tmp_path):
    src = tmp_path / "a.csv"
    raw = tmp_path / "raw"
    src.write_text("v1\n")
    ingest.copy_files([src], raw, ingest.IngestReport("x"), dt.date(2026, 3, 1))
    src.write_text("v2\n")
    report = ingest.copy_files([src, tmp_path / "gone.csv"], raw, ingest.IngestReport("x"),
                               dt.date(2026, 3, 1))
    assert [p.name for p in report.files_written] == ["a-2.csv"]
    assert (raw / "2026-03-01" / "a.csv").read_text() == "v1\n"
    assert len(report.errors) == 1 and "gone.csv: cannot copy" in report.errors[0]


def test_write_bytes_stores_body_unmodified(tmp_path):
    report = ingest.IngestReport("hn")
    body = b'{"id": 1, "text": "caf\\u00e9 &#x2F;"}'
    path = ingest.write_bytes(tmp_path, "item_1.json", body, report, dt.date(2026, 1, 2))
    assert path == tmp_path / "2026-01-02" / "item_1.json" and path.read_bytes() == body
    assert report.files_written == [path] and list(path.parent.iterdir()) == [path]


def test_cli_own_file_and_rerun(tmp_path, capsys):
    argv = ["--raw-root", str(tmp_path), "own", "--file", str(FIXTURES / "own_postings.csv"),
            "--map-file", str(FIXTURES / "own_map.toml")]
    assert ingest.main(argv) == 0
    out = capsys.readouterr()
    assert "own: 1 file(s) written, 0 already stored (skipped)" in out.out
    stored = list((tmp_path / "own").rglob("own_postings.csv"))
    assert len(stored) == 1 and stored[0].read_bytes() == (
        FIXTURES / "own_postings.csv").read_bytes()

    assert ingest.main(argv) == 0
    out = capsys.readouterr()
    assert "own: 0 file(s) written, 1 already stored (skipped)" in out.out
    assert "already stored, skipped" in out.err


def test_cli_reports_refusal(shared_data, tmp_path, capsys):
    bad = shared_data / "so_survey" / "survey_2022_headerless.csv"
    code = ingest.main(["--raw-root", str(tmp_path), "so_survey", "--file", str(bad),
                        "--year", "2022"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: {bad}: no header row: the first line looks like data" in err


@pytest.mark.parametrize("name", MY_SOURCES)
def test_every_ingest_command_is_documented(name):
    parser = ingest.build_parser(ingest.ingest_modules())
    sub = next(a for a in parser._actions if a.dest == "source").choices[name]
    assert sub.description and len(sub.description) > 80
    options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
    assert options and all(a.help for a in options)
    assert sub.epilog.startswith("Licence / terms: ")
