"""Golden test: the embedded sample, built by the real ETL, gives the row counts and shares that
this test computes on its own from the raw files (JSON parsing and plain regular expressions).

The sample reposts some postings within their month under a new id, word for word or with
REPOST_LINE added (etl/sample.py): the build counts such a posting once, and so does this test,
by its company, title, location, month and description without that line."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter

import duckdb
import pytest

from etl.sample import REPOST_LINE, write_sample
from etl.warehouse.build import build
from etl.warehouse.schema import table_source

UNTIL = dt.date(2026, 6, 30)
# Technologies the sample writes without traps or aliases the regexes would miss.
PLAIN = {"kubernetes": r"\b(?:Kubernetes|k8s|K8s)\b", "terraform": r"\bTerraform\b",
         "redis": r"\bRedis\b", "python": r"\bPython\b", "mysql": r"\bMySQL\b",
         "mongodb": r"\b(?:MongoDB|Mongo)\b"}


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample_wh")
    write_sample(root / "raw" / "sample", seed=7, n=60_000, until=UNTIL)
    manifest = build(root / "raw", root / "warehouse", log=lambda m: None)
    return root, manifest


@pytest.fixture(scope="session")
def raw(sample_build) -> tuple[int, int, int, Counter, Counter]:
    return raw_counts(sample_build[0] / "raw" / "sample")


def raw_counts(raw_dir) -> tuple[int, int, int, Counter, Counter]:
    """Records, broken records, reposts, valid postings per year (each repost once), and regex
    hits per (tech, year)."""
    records = broken = reposts = 0
    per_year, hits = Counter(), Counter()
    seen = set()
    for path in sorted(raw_dir.glob("postings-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                records += 1
                rec = json.loads(line)
                pay = rec.get("salary")
                try:
                    year = dt.datetime.strptime(rec["published_at"], "%Y-%m-%dT%H:%M:%SZ").year
                except ValueError:
                    year = None
                if not (rec.get("title") or "").strip() or year is None or (
                        pay and pay["min"] > pay["max"]):
                    broken += 1
                    continue
                posting = (rec["company"], rec["title"], rec["location"],
                           rec["published_at"][:7],
                           rec["description_html"].removesuffix(REPOST_LINE))
                if posting in seen:
                    reposts += 1
                    continue
                seen.add(posting)
                per_year[year] += 1
                text = rec["title"] + "\n" + rec["description_html"]
                for tech, pattern in PLAIN.items():
                    if re.search(pattern, text):
                        hits[(tech, year)] += 1
    return records, broken, reposts, per_year, hits


def test_row_counts(sample_build, raw):
    root, manifest = sample_build
    records, broken, reposts, per_year, _ = raw
    assert records == 60_000
    assert broken == 60  # 0.1% spoiled on purpose
    assert 2_700 < reposts < 3_300  # about 5% reposted
    assert manifest["row_counts"]["postings"] == records - broken - reposts \
        == sum(per_year.values())
    assert manifest["row_counts"]["quarantine"] == broken
    assert manifest["sample_only"] is True
    source = manifest["sources"][0]
    assert source["duplicates_same_id"] == 0
    assert source["duplicates_near_or_cross"] == reposts
    assert source["dedup_rate"] == round(reposts / (records - broken), 4)
    con = duckdb.connect()
    years = dict(con.sql("select year(posted_date), count(*) from read_parquet($p) group by 1",
                         params={"p": table_source(root / "warehouse", "postings")}).fetchall())
    assert years == dict(per_year)
    assert min(years) == 2016 and max(years) == 2026


@pytest.mark.parametrize("tech", sorted(PLAIN))
def test_shares_match_the_raw_text(sample_build, raw, tech):
    root, _ = sample_build
    _, _, _, per_year, hits = raw
    con = duckdb.connect()
    query = """
        select year(month) as year, sum(postings) from read_parquet($r)
        where technology_id = $t group by 1"""
    tagged = dict(con.sql(query, params={"r": table_source(root / "warehouse",
                                                           "rollup_technologies"),
                                         "t": tech}).fetchall())
    for year in (2016, 2020, 2025):
        assert tagged[year] / per_year[year] == pytest.approx(hits[(tech, year)] / per_year[year])


def test_published_trends_hold(sample_build):
    root, _ = sample_build
    con = duckdb.connect()
    share = dict(((t, y), s) for t, y, s in con.sql("""
        with totals as (select year(month) y, sum(postings) n from read_parquet($p) group by 1),
             techs as (select technology_id t, year(month) y, sum(postings) k
                       from read_parquet($r) group by 1, 2)
        select t, y, k / n from techs join totals using (y)""", params={
        "p": str(root / "warehouse" / "rollup_postings.parquet"),
        "r": table_source(root / "warehouse", "rollup_technologies")}).fetchall())
    assert share[("python", 2025)] > share[("python", 2016)]
    assert share[("typescript", 2025)] > 3 * share[("typescript", 2016)]
    assert share[("php", 2025)] < share[("php", 2016)] / 2
    assert share[("postgresql", 2016)] < share[("mysql", 2016)]
    assert share[("postgresql", 2025)] > share[("mysql", 2025)]
    assert share[("aws", 2025)] > share[("azure", 2025)] > share[("gcp", 2025)]
    assert share[("go", 2025)] > 2 * share[("go", 2016)]
