"""The embedded real history: built by the pipeline, read by the build, shipped small and true."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from etl.paths import DEFAULT_EMBEDDED
from etl.sources import hn
from etl.warehouse import embedded
from etl.warehouse.build import build
from etl.warehouse.schema import posting_id, table_files
from tests.conftest import PROJECT_ROOT
from tests.test_hn_archive import ACME, BODY, record, write_month

MB = 1_000_000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path]:
    """A two-month archive written here, and the embedded folder embed() made from it."""
    root = tmp_path_factory.mktemp("tiny_embed")
    archive = root / "archive"
    write_month(archive, "2024-01", [
        record(11, "2024-01-02", ACME),
        record(12, "2024-01-03", f"Globex | Go Developer | Remote (EU)\n\nWe write Golang. {BODY}"),
        record(13, "2024-01-04", "")])
    write_month(archive, "2024-02", [record(21, "2024-02-01", ACME)], gz=False)
    (archive / "README.txt").write_text("not a month file")
    out = root / "embedded"
    embedded.embed(archive, out, processes=1, log=lambda m: None)
    return archive, out


def test_embed_writes_the_pipeline_rows_without_text(tiny):
    _, out = tiny
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["postings"] == 3 and manifest["rejected"] == 1 and manifest["rows_read"] == 3
    assert manifest["months"] == ["2024-01", "2024-02"]
    assert manifest["archive_months"] == ["2024-01", "2024-02"]
    assert manifest["pipeline_fingerprint"] == embedded.pipeline_fingerprint()
    postings = pl.read_parquet(out / "postings.parquet")
    assert "description" not in postings.columns and "ingested_at" not in postings.columns
    assert postings["posting_id"].to_list() == [posting_id("hn", i) for i in ("11", "12", "21")]
    assert postings["url"].to_list() == [f"https://news.ycombinator.com/item?id={i}"
                                         for i in (11, 12, 21)]
    acme = postings.row(0, named=True)
    assert (acme["company"], acme["title"], acme["country"]) == (
        "Acme", "Senior Backend Engineer", "DE")
    techs = pl.read_parquet(out / "posting_technologies.parquet")
    by_id = {(r["posting_id"], r["technology_id"]): (r["surface"], r["rule"])
             for r in techs.iter_rows(named=True)}
    assert by_id[(posting_id("hn", "12"), "go")][0] in {"Go", "Golang"}
    assert (posting_id("hn", "11"), "postgresql") in by_id
    assert all(rule for _, rule in by_id.values())


def test_embed_is_deterministic(tiny, tmp_path):
    archive, out = tiny
    again = tmp_path / "again"
    embedded.embed(archive, again, processes=2, log=lambda m: None)
    for name in ("postings.parquet", "posting_technologies.parquet", "manifest.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_build_keeps_the_embedded_history_beside_raw_sources(tiny, tmp_path):
    """A posting ingested live replaces its embedded copy (same id); the rest is kept as shipped."""
    _, out = tiny
    live_text = ACME.replace("Python", "Rust")
    other = "Initech | Android Engineer | Austin, TX\n\nKotlin all day, on our own servers."
    write_month(tmp_path / "raw" / "hn" / "d", "2024-02", [record(21, "2024-02-01", live_text),
                                                           record(22, "2024-02-05", other)])
    manifest = build(tmp_path / "raw", tmp_path / "wh", processes=1, log=lambda m: None,
                     loaders={"hn": hn.SOURCE}, embedded=out)
    postings = pl.read_parquet(table_files(tmp_path / "wh", "postings"))
    assert postings.height == 4
    assert postings["posting_id"].n_unique() == 4
    texts = dict(zip(postings["source_id"], postings["description"], strict=True))
    assert texts["11"] == "" and texts["12"] == "" and "Rust" in texts["21"]
    techs = pl.read_parquet(table_files(tmp_path / "wh", "posting_technologies"))
    of = {sid: set(techs.filter(pl.col("posting_id") == posting_id("hn", sid))["technology_id"])
          for sid in ("11", "21")}
    assert "python" in of["11"] and "rust" in of["21"] and "python" not in of["21"]
    info = manifest["embedded"]
    assert (info["postings"], info["postings_kept"], info["replaced_by_live"]) == (3, 2, 1)
    assert manifest["row_counts"]["postings"] == 4
    assert {s["title"] for s in manifest["sources"]} >= {
        'Hacker News "Ask HN: Who is hiring?" (embedded history)'}
    months = pl.read_parquet(tmp_path / "wh" / "rollup_postings.parquet").group_by(
        pl.col("month").dt.strftime("%Y-%m")).agg(pl.col("postings").sum())
    assert dict(months.iter_rows()) == {"2024-01": 2, "2024-02": 2}


def test_build_command_opens_on_the_shipped_history_without_the_sample(tmp_path):
    """What `make run` does on a fresh clone: `python -m etl build` with no raw data."""
    from etl.sample import write_sample
    write_sample(tmp_path / "raw" / "sample", n=300, until=dt.date(2025, 1, 1))
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(tmp_path / "raw"),
                           "--warehouse", str(tmp_path / "wh")], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "data/raw/sample left out" in done.stderr
    manifest = json.loads((tmp_path / "wh" / "manifest.json").read_text())
    shipped = json.loads((DEFAULT_EMBEDDED / "manifest.json").read_text())
    assert manifest["row_counts"]["postings"] == shipped["postings"]
    assert manifest["sample_only"] is False
    assert manifest["embedded"]["taxonomy_version"] == shipped["taxonomy_version"]
    assert [s["name"] for s in manifest["sources"]] == ["hn"]
    sample = subprocess.run([sys.executable, "-m", "etl", "build", "--raw", str(tmp_path / "raw"),
                             "--warehouse", str(tmp_path / "sample-wh"), "--only", "sample",
                             "--no-embedded"], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            timeout=600)
    assert sample.returncode == 0, sample.stderr
    assert json.loads((tmp_path / "sample-wh" / "manifest.json").read_text())["sample_only"]


# --- the shipped files --------------------------------------------------------------------------

def test_shipped_files_are_small_and_consistent():
    files = {p.name: p.stat().st_size for p in DEFAULT_EMBEDDED.iterdir() if p.is_file()}
    assert set(files) == {"postings.parquet", "posting_technologies.parquet", "manifest.json"}
    assert sum(files.values()) <= 15 * MB and max(files.values()) < 10 * MB
    manifest = json.loads((DEFAULT_EMBEDDED / "manifest.json").read_text())
    postings = pq.read_table(DEFAULT_EMBEDDED / "postings.parquet")
    assert postings.schema.equals(embedded.EMBEDDED_SCHEMA)
    assert postings.num_rows == manifest["postings"] > 80_000
    frame = pl.from_arrow(postings)
    assert set(frame["source"]) == {"hn"}
    assert frame["posting_id"].to_list() == [posting_id("hn", s) for s in frame["source_id"]]
    assert (frame["url"] == "https://news.ycombinator.com/item?id=" + frame["source_id"]).all()
    months = sorted(set(frame["posted_date"].dt.strftime("%Y-%m")))
    assert months == manifest["months"] == manifest["archive_months"]
    techs = pq.read_table(DEFAULT_EMBEDDED / "posting_technologies.parquet")
    assert techs.num_rows == manifest["posting_technologies"]
    assert set(techs["posting_id"].to_pylist()) <= set(frame["posting_id"])


def _shipped_for(months: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    postings = pl.read_parquet(DEFAULT_EMBEDDED / "postings.parquet").filter(
        pl.col("posted_date").dt.strftime("%Y-%m").is_in(months))
    techs = pl.read_parquet(DEFAULT_EMBEDDED / "posting_technologies.parquet").join(
        postings.select("posting_id"), on="posting_id", how="semi")
    return postings, techs


REBUILT_MONTHS = ["2013-06", "2023-10"]


@pytest.fixture(scope="module")
def rebuilt(shared_data, tmp_path_factory) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two archive months rebuilt now through `embed`: postings and technology rows."""
    out = tmp_path_factory.mktemp("rebuilt") / "embedded"
    embedded.embed(shared_data / "hn_archive", out, months=REBUILT_MONTHS, log=lambda m: None)
    return (pl.read_parquet(out / "postings.parquet"),
            pl.read_parquet(out / "posting_technologies.parquet"))


def test_shipped_rows_are_what_the_pipeline_makes_of_the_archive(rebuilt):
    """Exactly, while the pipeline's code and data (taxonomy, header words, parsers) are those
    that made the shipped files (same fingerprint); skipped with the reason after a change to
    them, when the shipped files are stale until `make embedded` is run (the next test still
    compares them, with tolerance)."""
    shipped = json.loads((DEFAULT_EMBEDDED / "manifest.json").read_text())
    if shipped["pipeline_fingerprint"] != embedded.pipeline_fingerprint():
        pytest.skip("data/embedded was made by another version of the pipeline (taxonomy, parser "
                    "or build changed since): run `make embedded` and commit data/embedded")
    fresh_postings, fresh_techs = rebuilt
    shipped_postings, shipped_techs = _shipped_for(REBUILT_MONTHS)
    assert fresh_postings.height > 500
    assert fresh_postings.equals(shipped_postings)
    assert fresh_techs.equals(shipped_techs)


def test_shipped_rows_stay_close_to_the_pipeline_after_it_changes(rebuilt):
    """Whatever the pipeline version: a taxonomy or parser change moves some rows (at most 2% of
    the posting ids, a quarter of titles or companies, 15% of the tags here); a broken or
    foreign file agrees on next to nothing."""
    fresh_postings, fresh_techs = rebuilt
    shipped_postings, shipped_techs = _shipped_for(REBUILT_MONTHS)
    ids_fresh, ids_shipped = set(fresh_postings["posting_id"]), set(shipped_postings["posting_id"])
    assert len(ids_fresh & ids_shipped) >= 0.98 * len(ids_fresh | ids_shipped)
    both = fresh_postings.join(shipped_postings, on="posting_id", suffix="_shipped")
    for column in ("posted_date", "url"):
        assert (both[column] == both[f"{column}_shipped"]).all(), column
    for column in ("title", "company"):
        agree = (both[column].fill_null("") == both[f"{column}_shipped"].fill_null("")).mean()
        assert agree >= 0.75, (column, agree)
    tags_fresh = set(fresh_techs.select("posting_id", "technology_id").iter_rows())
    tags_shipped = set(shipped_techs.select("posting_id", "technology_id").iter_rows())
    assert len(tags_fresh & tags_shipped) >= 0.85 * len(tags_fresh | tags_shipped)


def test_postings_panel_without_text_shows_the_fields_and_the_hn_link(tiny, tmp_path):
    """The postings behind a figure, on embedded rows: title, company, date, words, HN link."""
    from radar import queries, trace
    _, out = tiny
    (tmp_path / "raw").mkdir()
    build(tmp_path / "raw", tmp_path / "wh", processes=1, log=lambda m: None, loaders={},
          embedded=out)
    filters = queries.choices(tmp_path / "wh").defaults()
    rows = queries.run("postings_behind", filters, tmp_path / "wh", technology_id="python",
                       month=dt.date(2024, 1, 1), limit=50)
    assert rows["company"].to_list() == ["Acme", "Globex"]  # 12 names Python in its text
    assert rows["description"].to_list() == ["", ""]
    html = trace.postings_html(rows.head(1))
    assert "Senior Backend Engineer" in html and "<td>Acme</td>" in html
    assert "<td>2024-01-02</td>" in html and "“Python”" in html
    assert ('Text not shipped with the embedded history: <a href="https://news.ycombinator.com/'
            'item?id=11"') in html


def test_about_page_says_where_the_history_comes_from_and_the_month_rule(tiny, tmp_path, app_for):
    _, out = tiny
    (tmp_path / "raw").mkdir()
    build(tmp_path / "raw", tmp_path / "wh", processes=1, log=lambda m: None, embedded=out)
    at = app_for(tmp_path / "wh")
    at.run()
    at.switch_page("pages/about.py").run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "**3 HN postings** from 2 monthly" in text and "2024-01 to 2024-02" in text
    assert "python -m etl ingest hn --since 2024-03" in text
    taxonomy = json.loads((out / "manifest.json").read_text())["taxonomy_version"]
    assert f"Tagged with taxonomy **{taxonomy}**" in text
    assert "same posting twice in one month, or from two sources in one month, counts once" in text
    assert "Embedded real history" in [h.value for h in at.subheader]


def test_files_made_before_a_new_nullable_column_still_load(tiny):
    """A column added to the schema later (e.g. degree) is null until `make embedded`."""
    from etl.warehouse.schema import POSTINGS_SCHEMA
    _, out = tiny
    older = pl.read_parquet(out / "postings.parquet").drop("degree", "min_years_experience")
    rows = embedded.as_postings(older, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert rows.columns == POSTINGS_SCHEMA.names
    assert rows["degree"].null_count() == rows.height == 3
    assert rows.to_arrow().cast(POSTINGS_SCHEMA).num_rows == 3


def test_an_append_replaces_an_embedded_posting_as_a_full_build_does(tiny, tmp_path):
    """A live copy appended later replaces its embedded posting (it is not a later sighting of
    it); the appended warehouse has the full build's rows."""
    from etl.warehouse.append import append
    from tests.test_append import _tables

    _, out = tiny
    raw = tmp_path / "raw" / "hn" / "d"
    other = "Initech | Android Engineer | Austin, TX\n\nKotlin all day, on our own servers."
    write_month(raw, "2024-01", [record(31, "2024-01-20", other)])
    options = {"processes": 1, "log": lambda m: None, "loaders": {"hn": hn.SOURCE},
               "embedded": out}
    build(tmp_path / "raw", tmp_path / "wh", **options)
    write_month(raw, "2024-02", [record(21, "2024-02-01", ACME.replace("Python", "Rust"))])
    appended = append(tmp_path / "raw", tmp_path / "wh", **options)
    full = build(tmp_path / "raw", tmp_path / "full", **options)
    postings = pl.read_parquet(table_files(tmp_path / "wh", "postings"))
    texts = dict(zip(postings["source_id"], postings["description"], strict=True))
    assert sorted(texts) == ["11", "12", "21", "31"]
    assert texts["11"] == texts["12"] == "" and "Rust" in texts["21"]
    assert appended["embedded"]["replaced_by_live"] == full["embedded"]["replaced_by_live"] == 1
    assert appended["appended"][-1]["earlier_postings_removed"] == 1
    assert _tables(tmp_path / "wh") == _tables(tmp_path / "full")
