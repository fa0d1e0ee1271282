"""Stack Overflow survey: the 2022 sample's tables, the column map, and the two broken files."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pyarrow.compute as pc
import pytest

from etl.sources import so_survey

SAMPLE = "survey_2022_first_1003_rows.csv"
HEADERLESS = "survey_2022_headerless.csv"
TRUNCATED = "survey_2023_truncated_at_1MiB.csv"


@pytest.fixture()
def survey_2022(shared_data, tmp_path):
    raw = tmp_path / "so_survey"
    report = so_survey.ingest(raw, file=shared_data / "so_survey" / SAMPLE, year=2022,
                              fetch_date=dt.date(2026, 3, 1))
    assert report.errors == [] and [p.relative_to(raw) for p in report.files_written] == [
        Path("2026-03-01/2022") / SAMPLE]
    with open(shared_data / "so_survey" / SAMPLE, newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    return raw, records


def test_respondents(survey_2022):
    raw, records = survey_2022
    backend = [r for r in records if "back-end" in r["DevType"]]
    paid = [r for r in records if r["ConvertedCompYearly"] != "NA"]

    tables, rejected = so_survey.SOURCE.tables(raw)

    respondents = tables["survey_respondents"]
    assert rejected == []
    assert respondents.num_rows == len(records) == 1003
    assert pc.sum(respondents["is_backend"]).as_py() == len(backend) == 411
    assert round(len(backend) / len(records), 3) == 0.41
    assert respondents["comp_usd"].null_count == len(records) - len(paid)
    rows = {r["respondent_id"]: r for r in respondents.to_pylist()}
    third = next(r for r in records if r["ResponseId"] == "3")
    assert rows[3]["country"] == "GB" and rows[3]["country_name"] == third["Country"]
    assert rows[3]["comp_usd"] == float(third["ConvertedCompYearly"])
    assert rows[3]["dev_types"] == third["DevType"].split(";")
    assert set(respondents["year"].to_pylist()) == {2022}


def test_technologies(survey_2022):
    raw, records = survey_2022
    python_users = {int(r["ResponseId"]) for r in records
                    if "Python" in r["LanguageHaveWorkedWith"].split(";")}
    postgres_users = {int(r["ResponseId"]) for r in records
                      if "PostgreSQL" in r["DatabaseHaveWorkedWith"].split(";")}

    tech = so_survey.SOURCE.tables(raw)[0]["survey_technologies"].to_pylist()

    def users(tech_id):
        return {t["respondent_id"] for t in tech if t["technology_id"] == tech_id}
    assert users("python") == python_users and len(python_users) == 519
    assert users("postgresql") == postgres_users and len(postgres_users) == 393
    assert len({(t["respondent_id"], t["technology_id"]) for t in tech}) == len(tech)
    assert not [t for t in tech if t["answer"] in ("NA", "Managed Hosting", "Colocation")]


def test_answer_overrides_are_used():
    assert so_survey.technologies_of("Go", "languages")[0][0] == "go"
    assert so_survey.technologies_of("Managed Hosting", "platforms") == ()
    assert [t for t, _ in so_survey.technologies_of("Ruby on Rails", "webframes")] == ["rails"]


def test_column_map_covers_every_year():
    with open(Path(so_survey.DATA) / "so_survey_columns.toml", "rb") as handle:
        years = tomllib.load(handle)["years"]
    assert sorted(int(y) for y in years) == list(range(2017, 2026))
    assert years["2017"]["languages"] == "HaveWorkedLanguage" and years["2017"]["comp_usd"] == \
        "Salary"
    assert years["2018"]["comp_usd"] == "ConvertedSalary"
    assert {years[y]["comp_usd"] for y in ("2019", "2020")} == {"ConvertedComp"}
    assert {years[str(y)]["languages"] for y in range(2021, 2026)} == {"LanguageHaveWorkedWith"}
    keys = {"respondent", "dev_type", "backend_columns", "country", "comp_usd", *so_survey.GROUPS}
    assert all(set(cols) == keys for cols in years.values())


def test_broken_files_refused_by_ingest(shared_data, tmp_path):
    raw = tmp_path / "so_survey"
    headerless = so_survey.ingest(raw, file=shared_data / "so_survey" / HEADERLESS, year=2022)
    truncated = so_survey.ingest(raw, file=shared_data / "so_survey" / TRUNCATED, year=2023)

    assert headerless.files_written == [] and len(headerless.errors) == 1
    assert HEADERLESS in headerless.errors[0]
    assert "no header row: the first line looks like data" in headerless.errors[0]
    assert "ResponseId" in headerless.errors[0]
    assert truncated.files_written == [] and len(truncated.errors) == 1
    assert TRUNCATED in truncated.errors[0]
    assert ("truncated: the last row (row 597, line 597) is cut short: it has 17 of 84 fields"
            in truncated.errors[0])
    assert not raw.exists()


def test_broken_files_refused_by_tables(shared_data, survey_2022):
    raw, _ = survey_2022
    for name, year in ((HEADERLESS, "2021"), (TRUNCATED, "2023")):
        folder = raw / "2026-03-02" / year
        folder.mkdir(parents=True)
        shutil.copyfile(shared_data / "so_survey" / name, folder / name)

    tables, rejected = so_survey.SOURCE.tables(raw)

    assert tables["survey_respondents"].num_rows == 1003  # the good 2022 file still loads
    messages = sorted(r.message() for r in rejected)
    assert len(messages) == 2
    assert f"so_survey/2026-03-02/2021/{HEADERLESS}: row 1:" in messages[0]
    assert "no header row" in messages[0]
    assert f"so_survey/2026-03-02/2023/{TRUNCATED}: row 597:" in messages[1]
    assert "cut short" in messages[1]


def test_field_count_mismatch_mid_file(tmp_path):
    columns = so_survey.column_maps()[2022]
    header = [columns[k] for k in ("respondent", "dev_type", "country", "comp_usd")] + [
        columns[g] for g in so_survey.GROUPS]
    folder = tmp_path / "so_survey" / "2026-03-01" / "2022"
    folder.mkdir(parents=True)
    lines = [",".join(header), "1,\"Developer, back-end\",Germany,50000,Python,NA,NA,NA",
             "2,NA,France", "3,NA,Spain,NA,Go,NA,NA,NA"]
    (folder / "survey.csv").write_text("\n".join(lines) + "\n")

    tables, rejected = so_survey.SOURCE.tables(tmp_path / "so_survey")

    assert tables["survey_respondents"].num_rows == 0
    assert [r.message() for r in rejected] == [
        "so_survey/2026-03-01/2022/survey.csv: row 3: field count mismatch: row 3 (line 3) "
        "has 3 fields, the header has 8 (the whole file is left out)"]
