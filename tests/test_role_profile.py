"""Role profile queries and rules on the pay fixture warehouse (tests/pay_fixture.py), numbers
by hand: category shares count postings, top technologies, five years earlier, remote share,
and the degree / years distributions (with the requirement columns, and without them)."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib

import duckdb
import polars as pl
import pytest

from etl.transforms.tagger import CATEGORIES
from etl.warehouse.build import write_rollups
from etl.warehouse.monthly import write_months
from etl.warehouse.schema import table_source
from radar import profile, queries
from radar.filters import Filters

MARCH_2024 = Filters(dt.date(2024, 1, 1), dt.date(2024, 3, 1))
CATEGORY_IDS = list(profile.spec().categories)


def test_profile_categories_are_taxonomy_categories():
    raw = tomllib.loads((queries.SQL_DIR.parents[1] / "etl" / "data" / "taxonomy.toml")
                        .read_text())
    used = {spec["category"] for spec in raw["tech"].values()}
    for category in CATEGORY_IDS:
        assert category in CATEGORIES and category in used, category
    assert CATEGORY_IDS[:2] == ["language", "database"] and len(CATEGORY_IDS) == 9


def test_category_shares_count_postings(pay_warehouse):
    frame = queries.run("profile_technologies", MARCH_2024, warehouse=pay_warehouse,
                        categories=CATEGORY_IDS)
    shares = profile.category_shares(frame, profile.spec().categories)
    by_id = dict(zip(shares["category"], shares["postings"], strict=True))
    # 2024-03: 14 postings. 13 name Python or Java (the platform posting names no language);
    # 7 Python + 1 platform name PostgreSQL, 6 Java name MySQL: 14 name a database; Git in 13;
    # Docker in 7 Python + 1 platform; AWS in the 7 Python ones.
    assert frame["total"][0] == 14
    assert by_id == {"language": 13, "database": 14, "web_server": 0, "api_style": 0,
                     "vcs": 13, "container": 8, "ci_cd": 0, "cloud": 7, "methodology": 0}
    assert shares.filter(pl.col("category") == "language")["share"][0] == pytest.approx(13 / 14)
    top = profile.top_technologies(frame, 1, CATEGORY_IDS)
    assert top.select("category", "technology_id", "postings").rows() == [
        ("language", "python", 7), ("database", "postgresql", 8), ("vcs", "git", 13),
        ("container", "docker", 8), ("cloud", "aws", 7)]


def test_five_years_earlier(pay_warehouse):
    first = dt.date(2019, 3, 1)
    before = profile.earlier(MARCH_2024, first, 5)
    # 2019-01..2019-03 shifted, start clamped to the data's first month.
    assert (before.date_from, before.date_to) == (dt.date(2019, 3, 1), dt.date(2019, 3, 1))
    assert profile.earlier(Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 1)), first, 5) is None
    now = profile.category_shares(queries.run("profile_technologies", MARCH_2024,
                                              warehouse=pay_warehouse, categories=CATEGORY_IDS),
                                  profile.spec().categories)
    then = profile.category_shares(queries.run("profile_technologies", before,
                                               warehouse=pay_warehouse,
                                               categories=CATEGORY_IDS),
                                   profile.spec().categories)
    both = profile.side_by_side(now, then, "category").filter(pl.col("category") == "vcs")
    # 2019-03: 2 postings, the Java one names Git: 50%; now 13 of 14.
    assert both["share_then"][0] == pytest.approx(0.5)
    assert both["change_pp"][0] == pytest.approx(100 * (13 / 14 - 0.5))
    summary = queries.run("profile_summary", MARCH_2024, warehouse=pay_warehouse).row(
        0, named=True)
    assert (summary["postings"], summary["remote"], summary["with_pay"]) == (14, 1, 13)
    assert profile.remote_share(summary) == pytest.approx(1 / 14)


def test_requirements_not_yet_extracted(pay_warehouse):
    columns = profile.columns_of(queries.run("warehouse_columns", warehouse=pay_warehouse),
                                "postings")
    if set(profile.REQUIREMENT_COLUMNS) <= columns:
        frame = queries.run("profile_requirements", MARCH_2024, warehouse=pay_warehouse)
        assert profile.requirements_state(columns, frame) in {"ready", "empty"}
    else:
        assert profile.requirements_state(columns, None) == "missing"


@pytest.fixture(scope="module")
def with_requirements(pay_warehouse, tmp_path_factory):
    """The pay warehouse with requirement columns filled by a hand-written rule: Python
    postings ask for a bachelor or equivalent and 5 years, Java ones a master and 3 years, the
    others state nothing."""
    folder = tmp_path_factory.mktemp("requirements") / "warehouse"
    shutil.copytree(pay_warehouse, folder)
    con = duckdb.connect()
    source = table_source(folder, "postings")
    extended = folder / "postings_new"
    drop = [c for c in profile.REQUIREMENT_COLUMNS
            if c in con.sql(f"select * from read_parquet('{source}') limit 0").columns]
    exclude = f" exclude ({', '.join(drop)})" if drop else ""
    query = (f"""select *{exclude},
        case when description like '%Python%' then 'bachelor'
             when description like '%Java%' then 'master' else 'none_stated' end as degree,
        description like '%Python%' as degree_equivalent,
        case when description like '%Python%' then 5
             when description like '%Java%' then 3 end::smallint as min_years_experience
        from read_parquet('{source}')""")
    write_months(con, f"select *, strftime(posted_date, '%Y-%m') as _month from ({query}) "
                 "order by posted_date, posting_id", {}, extended)
    shutil.rmtree(folder / "postings")
    extended.replace(folder / "postings")
    write_rollups(folder)  # the build's rollup step, as a build of these postings would run it
    return folder


def test_requirement_distributions(with_requirements):
    frame = queries.run("profile_requirements", MARCH_2024, warehouse=with_requirements)
    columns = profile.columns_of(queries.run("warehouse_columns", warehouse=with_requirements),
                                "postings")
    assert profile.requirements_state(columns, frame) == "ready"
    degree = profile.ordered(frame, "degree")
    # 2024-03: 7 Python, 6 Java, 1 platform posting.
    assert degree.select("value", "postings").rows() == [
        ("none stated", 1), ("bachelor or equivalent", 7), ("master", 6)]
    years = profile.ordered(frame, "years")
    assert years.select("value", "postings").rows() == [("3-4", 6), ("5-6", 7),
                                                        ("not stated", 1)]
    assert years["share"].to_list() == pytest.approx([6 / 14, 7 / 14, 1 / 14])


def test_requirements_all_null_are_not_yet_extracted():
    frame = pl.DataFrame({"field": ["degree", "years"], "value": ["not extracted", "not stated"],
                          "postings": [5, 5], "share": [1.0, 1.0]})
    assert profile.requirements_state(set(profile.REQUIREMENT_COLUMNS), frame) == "empty"
    assert profile.requirements_state({"degree"}, frame) == "missing"
