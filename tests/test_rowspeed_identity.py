"""The faster row-by-row build work stages exactly what it staged before (issue 11 item 2).

normalised_and_tagged (normalise, requirements, pay, text hashes, tags) against the reference
copy of itself before the speed work (tests/reference_code/build_before_speed.py, which
normalises through the reference copies of normalize and requirements), batch by batch, on
synthetic sample postings and on the real postings the labelled sets come from.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pytest

from etl.sample import write_sample
from etl.sources import sources
from etl.transforms import normalize, salary
from etl.warehouse import build
from tests.reference_code import build_before_speed, normalize_before_speed
from tests.regex_strings import matched_strings

READ_AT = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
ARCHIVE_MONTHS = ("2013-12.jsonl.gz", "2019-03.jsonl.gz")  # two months of the HN archive


@pytest.fixture(autouse=True)
def _todays_place_rules(monkeypatch):
    """Place rules changed after the speed work (a state code after a city: "Cambridge, MA" is
    in the US, tests/test_normalize.py): the reference copy reads places as the project does
    now, so what is compared is the speed work alone."""
    monkeypatch.setattr(normalize_before_speed, "place_from_location",
                        normalize.place_from_location)


def _batches(source: str, raw_dir: Path) -> list[pa.RecordBatch]:
    rejected: list = []
    return list(build.staging_batches(sources()[source], raw_dir, READ_AT, 0, rejected, 500))


def _assert_same_staging(source: str, batches: list[pa.RecordBatch]) -> int:
    """Both versions on every batch; the number of postings compared."""
    compared = 0
    for batch in batches:
        new = build.normalised_and_tagged(batch, source, READ_AT)
        old = build_before_speed.normalised_and_tagged(batch, source, READ_AT)
        assert new.postings.equals(old.postings)
        assert new.technologies.equals(old.technologies)
        assert new.hashes.equals(old.hashes)
        assert new.rejected == old.rejected
        assert new.keys.equals(old.keys)
        compared += batch.num_rows
    return compared


def test_sample_postings_stage_the_same(tmp_path):
    raw = tmp_path / "sample"
    write_sample(raw, n=2000)
    assert _assert_same_staging("sample", _batches("sample", raw)) > 1990


def real_raw_folders(shared_data: Path, tmp_path: Path,
                     months: tuple[str, ...] = ARCHIVE_MONTHS) -> tuple[Path, Path]:
    """Raw folders (hn, linkedin) under tmp_path linking the HN threads, Firebase runs and the
    given archive months, and the LinkedIn file, as the build reads them."""
    hn, linkedin = tmp_path / "hn", tmp_path / "linkedin"
    hn.mkdir(parents=True)
    linkedin.mkdir()
    for path in [*(shared_data / "hn").iterdir(),
                 *(shared_data / "hn_archive" / m for m in months)]:
        (hn / path.name).symlink_to(path)
    for path in (shared_data / "linkedin_arshkon").glob("*.csv"):
        (linkedin / path.name).symlink_to(path)
    return hn, linkedin


def test_real_labelled_sources_stage_the_same(shared_data, tmp_path):
    """The HN threads, Firebase runs and archive months and the LinkedIn file the labelled sets
    point into (each file as the build reads it from a raw folder)."""
    hn, linkedin = real_raw_folders(shared_data, tmp_path)
    assert _assert_same_staging("hn", _batches("hn", hn)) > 1000
    assert _assert_same_staging("linkedin", _batches("linkedin", linkedin)) >= 400


@pytest.mark.parametrize("description", [
    "", "Hybrid role, 3 days a week in the office", "We are fully remote.", "Remote-first team",
    "This is an onsite role in our office", "ON-SITE ONLY", "İn our office, hybrid work",
    "Remote (ſenior) HYBRID MODEL", "x" * 4100 + " fully remote", "2 days per week in office",
    "Onsite position in Berlin", "ON-SITE role", "Hybrid working, office in Paris",
    "3 days per week in the office", "our website has an office section", "part of the office",
])
def test_remote_from_text_same_as_before(description):
    for location, title in ((None, "Engineer"), ("Berlin", "Remote Engineer"), ("", "Dev")):
        assert normalize.remote_from_text(location, title, description) == \
            normalize_before_speed.remote_from_text(location, title, description)


def test_every_string_a_remote_pattern_matches_holds_a_hint():
    """A text is searched for a value only when it holds one of the value's hints, so every
    string its pattern matches must hold one ("on-?site" as "onsite" and "on-site" alike)."""
    for value, pattern in normalize._REMOTE_IN_TEXT:
        strings = matched_strings(pattern.pattern)
        assert len(strings) > 5
        hints = normalize._REMOTE_IN_TEXT_HINTS[value]
        assert [m for m in strings if not any(h in m.lower() for h in hints)] == [], value
    without = ("on-site ", "in our office")  # "onsite " left out: the check finds it
    assert [m for m in matched_strings(normalize._REMOTE_IN_TEXT[2][1].pattern)
            if not any(h in m for h in without)] == ["onsite role", "onsite position",
                                                      "onsite only"]


# A posting's text is case-folded once (requirements.casefolded); the remote and pay pre-filters
# cut their parts from it (normalize.folded_part), which lines up only when folding kept the
# text's length: "ß" folds to "ss", "İ" to "i̇", "ﬁ" to "fi", in the title or the description.
FOLDING_TITLES = ("Backend Engineer", "Straße Backend Engineer", "İstanbul Senior Developer",
                  "Senior ﬁntech Engineer")
FOLDING_DESCRIPTIONS = (
    "We are fully remote.\nSalary: $120,000 - $150,000 per year.\n5+ years of experience.",
    "Hybrid role, 3 days a week in the office. Gehalt: 60.000 € - 75.000 € im Jahr. Straße 1.",
    "Große Firma. Remote-first team. Compensation: £70k–£90k.\nBachelor's degree required.",
    "Pay: USD 90,000 to 110,000 annually. İn our office, hybrid work.",
    "x" * 3990 + " ß fully remote\nSalary: $100k-$130k",
    "Remote",
)


@pytest.mark.parametrize("title", FOLDING_TITLES)
def test_posting_rows_with_folding_that_changes_length_are_as_before(title):
    for description in FOLDING_DESCRIPTIONS:
        staging = {"source_id": "1", "title": title, "description": description,
                   "posted_date": dt.date(2026, 5, 1), "location_raw": "Berlin, Germany"}
        old, problem = normalize_before_speed.posting_row(staging, "fixture", READ_AT)
        assert problem == ""
        assert normalize.posting_row(staging, "fixture", READ_AT) == old


def test_a_folded_part_is_the_parts_folding_or_none():
    for title in FOLDING_TITLES:
        for description in FOLDING_DESCRIPTIONS:
            text = f"{title}\n\n{description}"
            start = len(title) + 2
            for end in (start + 4000, len(text)):
                part = normalize.folded_part(text, start, end)
                folded = salary.folded(text[start:end])
                if len(salary.folded(text)) == len(text):
                    assert part == folded
                else:
                    assert part is None
    assert normalize.folded_part("Straße\n\nRemote", 8, 14) is None
    assert normalize.folded_part("Strasse\n\nREMOTE", 9, 15) == "remote"


def _staged_pieces(source_name: str, raw_dir: Path) -> list:
    """The source's pieces as the build makes them (_piece_jobs: a file it cannot read in
    pieces ends in a failure, not a piece), each staged here."""
    source = sources()[source_name]
    assert build.reads_in_pieces(source)
    return [function(*args) for function, args, _ in
            build._piece_jobs(source, raw_dir, READ_AT, set()) if function is not None]


def _assert_pieces_as_read_back(monkeypatch, source_name: str, raw_dir: Path) -> tuple[int, int]:
    """staged_piece hands its staging records to the row work without making a staging batch
    of them; the same pieces with the records made into a batch and read back from it
    (_staging_rows, as process_batch reads a batch) stage the same: (rows compared, rows
    refused by the row work)."""
    given = _staged_pieces(source_name, raw_dir)
    records_work = build.records_normalised_and_tagged

    def through_a_batch(records, source, at, known=None):
        batch = pa.RecordBatch.from_pylist(list(records), schema=build.STAGING_SCHEMA)
        return records_work(build._staging_rows(batch), source, at, known)

    monkeypatch.setattr(build, "records_normalised_and_tagged", through_a_batch)
    read_back = _staged_pieces(source_name, raw_dir)
    assert len(given) == len(read_back)
    rows = refused = 0
    for new, old in zip(given, read_back, strict=True):
        assert (new.read_rejected, new.made, new.failure) == \
            (old.read_rejected, old.made, old.failure)
        assert new.done.postings.equals(old.done.postings)
        assert new.done.technologies.equals(old.done.technologies)
        assert new.done.hashes.equals(old.done.hashes)
        assert new.done.keys.equals(old.done.keys)
        assert new.done.rejected == old.done.rejected
        rows += new.done.postings.num_rows
        refused += len(new.done.rejected)
    return rows, refused


def test_sample_pieces_stage_as_their_batches_read_back(monkeypatch, tmp_path):
    write_sample(tmp_path / "sample", n=3000)
    first = sorted((tmp_path / "sample").glob("*.jsonl.gz"))[0]
    with gzip.open(first, "rt", encoding="utf-8") as lines:
        record = json.loads(lines.readline())
    with gzip.open(first, "at", encoding="utf-8") as lines:  # rows the row work refuses
        for n, broken in enumerate(({"description_html": None},
                                    {"published_at": "2099-01-01T00:00:00Z"})):
            lines.write(json.dumps({**record, "id": f"broken-{n}", **broken}) + "\n")
    rows, refused = _assert_pieces_as_read_back(monkeypatch, "sample", tmp_path / "sample")
    assert rows > 2900
    assert refused == 2  # their quarantine excerpts (the staging row's values, in order) too


def test_real_pieces_stage_as_their_batches_read_back(monkeypatch, shared_data, tmp_path):
    hn, linkedin = real_raw_folders(shared_data, tmp_path)
    assert _assert_pieces_as_read_back(monkeypatch, "hn", hn)[0] > 1000
    assert _assert_pieces_as_read_back(monkeypatch, "linkedin", linkedin)[0] >= 400
