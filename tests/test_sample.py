"""The embedded synthetic sample: determinism, coverage, trends in the raw text, and its loader."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from etl.sample import last_posting_date, month_list, write_sample
from etl.sources.base import Rejected
from etl.sources.sample import SOURCE

UNTIL = dt.date(2025, 6, 1)  # as `--until 2025-06` passes it: the whole month is included
N = 3000
RAW_FIELDS = {"id", "published_at", "title", "company", "location", "workplace", "employment",
              "salary", "description_html", "url"}

# Names by which each country shows in location text; the test's own list, not the generator's.
COUNTRY_NAMES = {
    "US": r", (?:CA|NY|WA|TX|MA|IL|CO|GA|PA|NC|OR)\b|United States|\bUSA?\b",
    "GB": r"\bUK\b|United Kingdom|London|Manchester|Edinburgh",
    "DE": r"Germany|Deutschland|Berlin|München|Munich|Hamburg",
    "FR": r"France|Paris|Lyon|Toulouse",
    "NL": r"Netherlands|Amsterdam|Rotterdam|Utrecht",
    "CA": r"Canada|Toronto|Vancouver|Montréal",
    "AU": r"Australia|Sydney|Melbourne|Brisbane",
    "IN": r"India|Bengaluru|Bangalore|Hyderabad|Pune",
    "PL": r"Poland|Polska|Warszawa|Warsaw|Kraków|Wrocław",
    "ES": r"Spain|España|Madrid|Barcelona",
    "BR": r"Brazil|Brasil|São Paulo|Rio de Janeiro",
    "SE": r"Sweden|Stockholm|Göteborg|Gothenburg|Malmö",
    "CH": r"Switzerland|Zürich|Zurich|Geneva|Basel",
    "IE": r"Ireland|Dublin|Cork|Galway",
    "SG": r"Singapore",
}
TRAPS = ["go-to-market", "go live", "Let's go", "Series C", "C-level", "R&amp;D",
         "Swift onboarding", "Rust Belt", "spring 20", "express interest", "clients include Oracle",
         "not a PHP shop", "no Java, ever", "Heroku-style"]
CURRENCY = (r"(?:[$£€₹]|K€|&euro;|&pound;|zł|kr/"
            r"|\b(?:CHF|SEK|PLN|INR|BRL|SGD|CAD|AUD|USD|EUR|LPA)\b)")
PAY_TEXT = re.compile(rf"{CURRENCY}\s?\d(?!\d*M\b)|\d\s?{CURRENCY}")  # "$40M Series C" is no pay


def read_raw(folder: Path) -> list[dict]:
    """All raw records of a sample folder, in file order."""
    out = []
    for path in sorted(folder.glob("postings-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            out += [json.loads(line) for line in fh]
    return out


def text(record: dict) -> str:
    return f"{record.get('title') or ''}\n{record.get('description_html') or ''}"


def share(records: list[dict], pattern: str) -> float:
    rx = re.compile(pattern, re.IGNORECASE)
    return sum(1 for r in records if rx.search(text(r))) / len(records)


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("raw") / "sample", seed=7, n=N, until=UNTIL)


@pytest.fixture(scope="module")
def raw(sample_dir) -> list[dict]:
    return read_raw(sample_dir)


@pytest.fixture(scope="module")
def by_year(raw) -> dict[int, list[dict]]:
    years: dict[int, list[dict]] = {}
    for r in raw:
        if re.match(r"\d{4}-\d\d-\d\dT", r.get("published_at") or ""):
            years.setdefault(int(r["published_at"][:4]), []).append(r)
    return years


def test_same_seed_gives_identical_bytes(tmp_path):
    a = write_sample(tmp_path / "a", seed=11, n=400, until=dt.date(2017, 3, 31))
    b = write_sample(tmp_path / "b", seed=11, n=400, until=dt.date(2017, 3, 31))
    c = write_sample(tmp_path / "c", seed=12, n=400, until=dt.date(2017, 3, 31))
    names = sorted(p.name for p in a.iterdir())
    assert names == ["README.md", "postings-2016.jsonl.gz", "postings-2017.jsonl.gz"]
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in names)
    assert (a / names[1]).read_bytes() != (c / names[1]).read_bytes()


def test_rewriting_removes_years_of_an_older_run(tmp_path):
    write_sample(tmp_path, n=300, until=dt.date(2018, 2, 1))
    write_sample(tmp_path, n=300, until=dt.date(2016, 12, 31))
    assert sorted(p.name for p in tmp_path.glob("*.gz")) == ["postings-2016.jsonl.gz"]


def test_readme_says_synthetic(sample_dir):
    assert "synthetic" in (sample_dir / "README.md").read_text().lower()


def test_every_month_from_2016_to_until_has_postings(raw):
    assert len(raw) == N
    months = Counter(r["published_at"][:7] for r in raw
                     if re.match(r"\d{4}-\d\d-\d\dT", r.get("published_at") or ""))
    expected = [f"{y}-{m:02d}" for y, m in month_list(UNTIL)]
    assert sorted(months) == expected
    assert min(months.values()) >= 5
    assert max(r["published_at"] for r in raw if r.get("published_at", "").startswith("20")) \
        >= "2025-06-25"
    assert months["2025-06"] > months["2025-05"] * 0.7


def test_until_is_a_month_and_never_after_today():
    assert last_posting_date(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert last_posting_date(dt.date(2030, 1, 1), today=dt.date(2026, 3, 10)) \
        == dt.date(2026, 3, 10)
    assert last_posting_date(None, today=dt.date(2026, 3, 10)) == dt.date(2026, 3, 10)


def test_ids_are_unique_and_sequential(raw):
    assert [r["id"] for r in raw] == [f"smp-{i:06d}" for i in range(1, N + 1)]
    assert all(r["url"].startswith("https://jobs.example.org/") for r in raw)


def test_volume_grows_dips_in_2020_and_slows_in_2023(by_year):
    count = {y: len(rs) for y, rs in by_year.items()}
    assert count[2019] > count[2016] * 1.2
    assert count[2020] < count[2019]
    assert count[2021] > count[2020] * 1.2
    assert count[2023] < count[2022] * 0.85


def test_fifteen_countries_show_in_location_text(raw):
    locations = [r["location"] for r in raw]
    for cc, pattern in COUNTRY_NAMES.items():
        hits = sum(1 for loc in locations if re.search(pattern, loc))
        assert hits >= 10, cc
    for form in ("Remote (US)", "Remote - EU", "Toronto, ON"):
        assert form in locations
    assert any(loc.startswith("Hybrid — ") for loc in locations)
    assert any(re.fullmatch(r"\w[\w ]+, Germany", loc) for loc in locations)


def test_remote_and_hybrid_rise_after_2020(by_year):
    def remote_share(rs):
        return sum(r.get("workplace") in ("Remote", "Hybrid") for r in rs) / len(rs)
    assert remote_share(by_year[2022]) > remote_share(by_year[2018]) + 0.25


def test_raw_records_carry_no_derived_fields(raw):
    for r in raw:
        assert set(r) <= RAW_FIELDS
        assert r.get("workplace") in (None, "Remote", "Hybrid", "On-site")
        assert r["employment"] in ("Full-time", "Contract", "Part-time", "Internship")
        if r["salary"] is not None:
            assert set(r["salary"]) == {"min", "max", "currency", "period"}
            assert r["salary"]["period"] in ("yearly", "monthly", "daily", "hourly")


def test_python_rises_and_php_falls(by_year):
    last = max(by_year)
    first, recent = by_year[2016] + by_year[2017], by_year[last - 1] + by_year[last]
    go = r"\bgolang\b|\bgo\b(?![- ]to\b| live)"
    assert share(recent, r"\bpython\b") > share(first, r"\bpython\b") + 0.06
    assert share(recent, r"\bphp\b") < share(first, r"\bphp\b") - 0.06
    assert share(recent, r"\btypescript\b") > share(first, r"\btypescript\b") + 0.1
    assert share(recent, go) > share(first, go) + 0.02
    assert share(recent, r"kubernetes|k8s") > share(first, r"kubernetes|k8s") + 0.1


def test_postgres_overtakes_mysql_and_aws_leads_clouds(by_year, raw):
    pg, my = r"postgres|\bpsql\b|pgsql", r"mysql"
    assert share(by_year[2016], my) > share(by_year[2016], pg)
    assert share(by_year[max(by_year)], pg) > share(by_year[max(by_year)], my) + 0.1
    aws = share(raw, r"\bAWS\b|Amazon Web Services|\bS3\b|\bEC2\b|\bRDS\b")
    azure = share(raw, r"\bAzure\b|\bAKS\b|Cosmos DB")
    gcp = share(raw, r"\bGCP\b|Google Cloud|BigQuery|Cloud Run|\bGKE\b")
    assert aws > azure > gcp > 0.02


def test_traps_and_aliases_appear(raw):
    corpus = "\n".join(text(r) for r in raw)
    for phrase in TRAPS + ["Golang", "Postgres", "Mongo", "k8s", "Node.js", "C&#35;", "MSSQL",
                           "Amazon Web Services", "Google Cloud", "RDS Postgres", "BigQuery"]:
        assert phrase in corpus, phrase
    assert re.search(r"\w+/\w+/(?:PostgreSQL|Postgres|MySQL)", corpus)
    assert "<ul><li>" in corpus
    assert share(raw, r"Deine Aufgaben|Dein Profil") > 0.01
    assert share(raw, r"Vos missions|Profil recherché") > 0.005


def test_forty_percent_or_so_state_pay(raw):
    structured = sum(r["salary"] is not None for r in raw)
    in_text = sum(r["salary"] is None and bool(PAY_TEXT.search(r["description_html"]))
                  for r in raw)
    assert 0.35 <= (structured + in_text) / len(raw) <= 0.50
    assert 0.35 <= structured / (structured + in_text) <= 0.65
    for snippet in ("LPA", "per annum", "/hr", "brutto", "/day"):
        assert any(snippet in r["description_html"] for r in raw), snippet


def test_salaries_are_plausible_per_currency(raw):
    for r in raw:
        s = r["salary"]
        if s is None or s["min"] > s["max"]:
            continue
        if s["currency"] == "USD" and s["period"] == "yearly":
            assert 15_000 <= s["min"] <= 400_000  # part-time interns at the low end
        if s["currency"] == "GBP" and s["period"] == "daily":
            assert 200 <= s["min"] <= 1000
    usd = sorted((r["salary"]["min"] + r["salary"]["max"]) / 2 for r in raw
                 if r["salary"] and r["salary"]["currency"] == "USD"
                 and r["salary"]["period"] == "yearly")
    assert 100_000 <= usd[len(usd) // 2] <= 180_000
    periods = Counter((r["salary"]["currency"], r["salary"]["period"]) for r in raw if r["salary"])
    for pair in [("USD", "yearly"), ("USD", "hourly"), ("GBP", "daily"), ("PLN", "monthly"),
                 ("INR", "yearly"), ("EUR", "monthly"), ("SGD", "monthly")]:
        assert periods[pair] > 0, pair


def test_loader_rejects_bad_records_naming_file_and_line(sample_dir, raw):
    results = list(SOURCE.read(sample_dir))
    rejected = [r for r in results if isinstance(r, Rejected)]
    rows = [r for r in results if not isinstance(r, Rejected)]
    assert len(rows) + len(rejected) == N
    assert len(rejected) == 3
    reasons = " | ".join(r.reason for r in rejected)
    assert "title is missing" in reasons
    assert "is not an ISO 8601 datetime" in reasons
    assert "salary min 120000 is above salary max 90000" in reasons
    for r in rejected:
        assert re.fullmatch(r"sample/postings-\d{4}\.jsonl\.gz: row \d+: .+", r.message())
        with gzip.open(sample_dir / Path(r.file).name, "rt", encoding="utf-8") as fh:
            line = fh.readlines()[int(r.row) - 1]
        assert json.loads(line)["id"] in r.raw


def test_loader_rows_follow_the_staging_contract(tmp_path, sample_dir):
    rows = [r for r in SOURCE.read(sample_dir.parent) if not isinstance(r, Rejected)]
    assert len(rows) == N - 3
    remote = Counter(r.get("remote") for r in rows)
    assert set(remote) == {None, "remote", "hybrid", "onsite"}
    for r in rows:
        assert isinstance(r["posted_date"], dt.date) and r["title"].strip()
        assert "<" not in r["description"] and "&amp;" not in r["description"]
        assert "country" not in r and "seniority" not in r
        assert r["employment_type"] in ("full_time", "contract", "part_time", "internship")
        if "salary_min" in r:
            assert r["salary_period"] in ("year", "month", "day", "hour")
            assert r["salary_min"] <= r["salary_max"]
    assert any("C#" in r["description"] for r in rows)


def test_loader_reports_invalid_json(tmp_path):
    folder = tmp_path / "sample"
    folder.mkdir()
    with gzip.open(folder / "postings-2020.jsonl.gz", "wt") as fh:
        fh.write('{"id": "x-1", "title": "Dev", "published_at": "2020-05-01T10:00:00Z",'
                 ' "salary": {"min": 1, "max": 2, "currency": "EUR", "period": "fortnightly"}}\n')
        fh.write('{"id": "x-2", "title": \n')
    first, second = SOURCE.read(folder)
    assert first["posted_date"] == dt.date(2020, 5, 1) and "salary_min" not in first
    assert isinstance(second, Rejected) and second.row == "2"
    assert second.reason.startswith("invalid JSON")
