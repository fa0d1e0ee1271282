"""Job-board API connectors against a loopback server serving each API's real response format.

Fixtures under tests/fixtures/api/<source>/ are hand-written from each API's documentation.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from etl.http import HttpClient
from etl.sources import (
    LOADER_MODULES,
    adzuna,
    arbeitnow,
    ashby,
    greenhouse,
    lever,
    remoteok,
    remotive,
    usajobs,
)
from etl.sources.base import Rejected
from tests.loopback import LoopbackServer, Reply

FIXTURES = Path(__file__).parent / "fixtures" / "api"
DAY1, DAY2 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
ADZUNA_ENV = {"ADZUNA_APP_ID": "app-id-123", "ADZUNA_APP_KEY": "secret-key-456"}
USAJOBS_ENV = {"USAJOBS_EMAIL": "radar@example.org", "USAJOBS_API_KEY": "usajobs-key-789"}


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def client(**kw) -> HttpClient:
    return HttpClient(delay_s=0, backoff_s=0.01, **kw)


def read(source, raw_dir: Path) -> tuple[dict[str, dict], list[Rejected]]:
    """Staging rows by source id, and the rejections, of one source's raw folder.

    A source passes every copy of a posting on (one per snapshot); the copy kept is the one the
    build's first seen keeps (etl/warehouse/build.first_seen_drops): the earliest posted, then
    the first read.
    """
    rows, rejected = {}, []
    for item in source.read(raw_dir):
        if isinstance(item, Rejected):
            rejected.append(item)
        else:
            assert item.pop("_row") == item["source_id"]
            assert item.pop("_file").endswith((".json", ".csv"))
            kept = rows.get(item["source_id"])
            if kept is None or item["posted_date"] < kept["posted_date"]:
                rows[item["source_id"]] = item
    return rows, rejected


def test_connectors_are_registered_with_their_terms():
    modules = (remotive, arbeitnow, remoteok, greenhouse, lever, ashby, adzuna, usajobs)
    for module in modules:
        assert module.__name__ in LOADER_MODULES
        assert module.SOURCE.kind == "postings" and module.SOURCE.name in module.__name__
    assert "links back to Remotive" in remotive.SOURCE.licence
    assert "Remote OK" in remoteok.SOURCE.licence
    assert "Jobs by Adzuna" in adzuna.SOURCE.licence


# --- Remotive ----------------------------------------------------------------------------------

def test_remotive_fetches_software_dev_and_maps_fields(tmp_path):
    raw = tmp_path / "remotive"
    with LoopbackServer({"/api/remote-jobs": Reply(fixture("remotive/remote-jobs-day1.json"))}
                        ) as srv:
        report = remotive.ingest(raw, client(), srv.url + "/api/remote-jobs", fetch_date=DAY1)
        again = remotive.ingest(raw, client(), srv.url + "/api/remote-jobs", fetch_date=DAY1)
    assert report.errors == [] and report.files_written == [raw / "2026-03-02" / "page-1.json"]
    assert (raw / "2026-03-02" / "page-1.json").read_bytes() == fixture(
        "remotive/remote-jobs-day1.json")  # stored unmodified
    assert again.files_written == [] and again.skipped == 1  # one snapshot a day: terms
    assert len(srv.requests) == 1
    path, headers = srv.requests[0]
    assert path == "/api/remote-jobs?category=software-dev"
    assert headers["User-Agent"].startswith("HiringRadar/")

    rows, rejected = read(remotive.SOURCE, raw)
    assert len(rows) == 2
    assert rows["1938001"] == {
        "source_id": "1938001",
        "posted_date": dt.date(2026, 3, 2),
        "title": "Senior Python Backend Engineer",
        "company": "Acme Analytics",
        "location_raw": "USA, Canada",
        "remote": "remote",
        "employment_type": "full_time",
        "salary_text": "$140k - $170k",
        "description": "We build data APIs in Django & PostgreSQL.\n\n- Design REST services\n\n"
                       "- Own the on-call rota",
        "url": "https://remotive.com/remote-jobs/software-dev/senior-python-backend-engineer-"
               "1938001",
    }
    assert rows["1938002"]["employment_type"] == "contract"
    assert "salary_text" not in rows["1938002"]  # empty salary is no salary
    assert [(r.row, r.reason) for r in rejected] == [("1938003", "title is missing")]
    assert rejected[0].file == "remotive/2026-03-02/page-1.json"  # named from the raw root


def test_snapshots_on_two_dates_yield_each_job_once_with_first_seen_date(tmp_path):
    raw = tmp_path / "remotive"
    for day, name in ((DAY1, "remote-jobs-day1.json"), (DAY2, "remote-jobs-day2.json")):
        with LoopbackServer({"/api": Reply(fixture(f"remotive/{name}"))}) as srv:
            report = remotive.ingest(raw, client(), srv.url + "/api", fetch_date=day)
        assert report.errors == [] and len(report.files_written) == 1
    assert sorted(p.parent.name for p in raw.rglob("*.json")) == ["2026-03-02", "2026-03-03"]

    rows, rejected = read(remotive.SOURCE, raw)
    assert sorted(rows) == ["1938001", "1938002", "1938010"]  # 1938002 is in both snapshots
    assert rows["1938002"]["posted_date"] == dt.date(2026, 3, 1)  # its own date
    assert rows["1938002"]["description"] == "Build gRPC services in Go."  # first-seen version
    # no publication_date: dated by the first snapshot that held it
    assert rows["1938010"]["posted_date"] == DAY2
    assert rows["1938010"]["salary_text"] == "£60,000 - £75,000 per annum"
    assert rows["1938010"]["employment_type"] == "part_time"
    assert len(rejected) == 1


def test_job_without_a_posting_date_is_dated_by_its_first_snapshot(tmp_path):
    full = json.loads(fixture("greenhouse/acme.json"))
    day1 = {"jobs": [job for job in full["jobs"] if job["id"] == 5012399], "meta": {"total": 1}}
    raw = tmp_path / "greenhouse"
    replies = [Reply(json.dumps(day1)), Reply(fixture("greenhouse/acme.json"))]
    with LoopbackServer({"/v1/boards/acme/jobs": replies}) as srv:
        for day in (DAY1, DAY2):
            report = greenhouse.ingest(raw, client(), srv.url + "/v1/boards/{token}/jobs",
                                       boards=["acme"], fetch_date=day)
            assert report.errors == [] and len(report.files_written) == 1
    rows, _ = read(greenhouse.SOURCE, raw)
    assert len(rows) == 2
    # no first_published; updated_at 2026-03-05 is later than the first snapshot holding it
    assert rows["5012399"]["posted_date"] == DAY1
    assert rows["5012345"]["posted_date"] == dt.date(2026, 2, 20)  # its own first_published


def test_identical_response_is_not_stored_twice(tmp_path):
    raw = tmp_path / "remoteok"
    with LoopbackServer({"/api": Reply(fixture("remoteok/api.json"))}) as srv:
        first = remoteok.ingest(raw, client(), srv.url + "/api", fetch_date=DAY1)
        second = remoteok.ingest(raw, client(), srv.url + "/api", fetch_date=DAY2)
    assert (len(first.files_written), first.skipped) == (1, 0)
    assert (len(second.files_written), second.skipped) == (0, 1)
    assert len(read(remoteok.SOURCE, raw)[0]) == 2


# --- Arbeitnow ---------------------------------------------------------------------------------

def arbeitnow_routes(page2: Reply | None = None) -> dict:
    return {f"/api/job-board-api?page={n}": Reply(fixture(f"arbeitnow/page-{n}.json"))
            for n in (1, 2, 3)} | ({"/api/job-board-api?page=2": page2} if page2 else {})


def test_arbeitnow_follows_links_next_and_maps_fields(tmp_path):
    raw = tmp_path / "arbeitnow"
    with LoopbackServer(arbeitnow_routes()) as srv:
        report = arbeitnow.ingest(raw, client(), srv.url + "/api/job-board-api", fetch_date=DAY1)
    assert report.errors == []
    assert [p.name for p in report.files_written] == ["page-1.json", "page-2.json", "page-3.json"]
    # links.next names www.arbeitnow.com: followed by page number on the configured endpoint
    assert [p for p, _ in srv.requests] == [f"/api/job-board-api?page={n}" for n in (1, 2, 3)]

    rows, rejected = read(arbeitnow.SOURCE, raw)
    assert len(rows) == 4
    assert rows["backend-developer-python-mwd-berlin-412345"] == {
        "source_id": "backend-developer-python-mwd-berlin-412345",
        "posted_date": dt.date(2026, 3, 2),  # created_at 1772438400 (unix s)
        "title": "Backend Developer Python (m/w/d)",
        "company": "Zalando SE",
        "location_raw": "Berlin",
        "employment_type": "full_time",  # "Vollzeit"
        "description": "Du entwickelst Microservices mit Python & FastAPI.",
        "url": "https://www.arbeitnow.com/jobs/companies/zalando-se/"
               "backend-developer-python-mwd-berlin-412345",
    }  # remote: false is not "onsite": left for normalisation to infer
    assert rows["senior-java-engineer-remote-412346"]["remote"] == "remote"
    assert rows["werkstudent-backend-hamburg-412347"]["employment_type"] == "internship"
    assert rows["devops-engineer-frankfurt-412349"]["employment_type"] == "part_time"
    assert [(r.file, r.row, r.reason) for r in rejected] == [
        ("arbeitnow/2026-03-02/page-2.json", "no-date-412348",
         "created_at 'yesterday' is not a date")]


@pytest.mark.parametrize("reply, problem", [
    (Reply("upstream error", status=500), "HTTP 500"),
    (Reply(fixture("arbeitnow/page-2.json"), delay_s=0.6), "timed out"),
    (Reply('{"data": [{"slug": "x"'), "malformed JSON"),
    (Reply("", status=429), "HTTP 429"),
])
def test_failed_page_is_reported_and_earlier_pages_are_kept(tmp_path, reply, problem):
    raw = tmp_path / "arbeitnow"
    with LoopbackServer(arbeitnow_routes(page2=reply)) as srv:
        report = arbeitnow.ingest(raw, client(timeout_s=0.2, retries=1),
                                  srv.url + "/api/job-board-api", fetch_date=DAY1)
    assert len(report.errors) == 1
    assert f"{srv.url}/api/job-board-api?page=2: " in report.errors[0]
    assert problem in report.errors[0]
    assert [p.name for p in report.files_written] == ["page-1.json"]
    assert "/api/job-board-api?page=3" not in [p for p, _ in srv.requests]
    rows, _ = read(arbeitnow.SOURCE, raw)
    assert len(rows) == 2  # what was fetched before the failure is readable


def test_429_then_success_is_retried(tmp_path):
    raw = tmp_path / "arbeitnow"
    routes = arbeitnow_routes(page2=[Reply("", status=429, headers={"Retry-After": "0"}),
                                     Reply(fixture("arbeitnow/page-2.json"))])
    with LoopbackServer(routes) as srv:
        report = arbeitnow.ingest(raw, client(), srv.url + "/api/job-board-api", fetch_date=DAY1)
    assert report.errors == [] and len(report.files_written) == 3
    assert [p for p, _ in srv.requests].count("/api/job-board-api?page=2") == 2


# --- Remote OK ---------------------------------------------------------------------------------

def test_remoteok_skips_the_legal_notice_and_maps_salaries(tmp_path):
    raw = tmp_path / "remoteok"
    with LoopbackServer({"/api": Reply(fixture("remoteok/api.json"))}) as srv:
        report = remoteok.ingest(raw, client(), srv.url + "/api", fetch_date=DAY1)
    assert report.errors == [] and len(report.files_written) == 1
    assert srv.requests[0][1]["User-Agent"].startswith("HiringRadar/")  # required by Remote OK
    rows, rejected = read(remoteok.SOURCE, raw)
    assert sorted(rows) == ["1129001", "1129002"]
    assert rows["1129001"] == {
        "source_id": "1129001",
        "posted_date": dt.date(2026, 3, 1),
        "title": "Senior Backend Engineer (Rust)",
        "company": "Ferris Labs",
        "location_raw": "Worldwide",
        "remote": "remote",
        "salary_min": 120000.0,
        "salary_max": 180000.0,
        "salary_currency": "USD",
        "salary_period": "year",
        "description": "Ferris Labs builds payments infrastructure.\n\nTokio & Axum.",
        "url": "https://remoteOK.com/remote-jobs/remote-senior-backend-engineer-rust-ferris-labs"
               "-1129001",
    }
    no_pay = rows["1129002"]
    assert no_pay["posted_date"] == dt.date(2026, 2, 28)  # empty date: from epoch
    assert "salary_min" not in no_pay and "salary_currency" not in no_pay  # 0 means no salary
    assert [(r.row, r.reason) for r in rejected] == [("2", "id is missing")]


def test_remoteok_object_instead_of_array_is_reported(tmp_path):
    with LoopbackServer({"/api": Reply('{"error": "rate limited"}')}) as srv:
        report = remoteok.ingest(tmp_path / "remoteok", client(), srv.url + "/api",
                                 fetch_date=DAY1)
    assert report.errors == [f"{srv.url}/api: expected a JSON array of jobs, got dict"]


# --- Greenhouse, Lever, Ashby ------------------------------------------------------------------

def test_greenhouse_board_unescapes_content_and_reports_a_missing_board(tmp_path):
    raw = tmp_path / "greenhouse"
    with LoopbackServer({"/v1/boards/acme/jobs": Reply(fixture("greenhouse/acme.json"))}) as srv:
        report = greenhouse.ingest(raw, client(), srv.url + "/v1/boards/{token}/jobs",
                                   boards=["acme", "gone"], fetch_date=DAY1)
    assert [p.name for p in report.files_written] == ["acme.json"]
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"{srv.url}/v1/boards/gone/jobs?content=true: HTTP 404")
    assert srv.requests[0][0] == "/v1/boards/acme/jobs?content=true"
    rows, rejected = read(greenhouse.SOURCE, raw)
    assert rejected == []
    assert rows["5012345"] == {
        "source_id": "5012345",
        "posted_date": dt.date(2026, 2, 20),  # first_published
        "title": "Staff Backend Engineer, Payments",
        "company": "Acme Robotics",
        "location_raw": "Remote - US",
        "employment_type": "full_time",  # metadata "Employment Type"
        "description": "About the role\n\nBuild our ledger in Go & PostgreSQL.\n\n- Design APIs",
        "url": "https://boards.greenhouse.io/acme/jobs/5012345",
    }
    # no company_name in the response and no entry in job_boards.toml: the board token
    assert rows["5012399"]["company"] == "acme"
    assert rows["5012399"]["description"] == "Django services."


def test_lever_board_maps_salary_range_workplace_and_lists(tmp_path):
    raw = tmp_path / "lever"
    with LoopbackServer({"/v0/postings/acme": Reply(fixture("lever/acme.json"))}) as srv:
        report = lever.ingest(raw, client(), srv.url + "/v0/postings/{token}", boards=["acme"],
                              fetch_date=DAY1)
    assert report.errors == [] and srv.requests[0][0] == "/v0/postings/acme?mode=json"
    assert report.files_written == [raw / "2026-03-02" / "acme.json"]
    rows, rejected = read(lever.SOURCE, raw)
    assert rejected == [] and len(rows) == 2
    assert rows["8f0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b"] == {
        "source_id": "8f0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
        "posted_date": dt.date(2026, 2, 25),  # createdAt 1772031600000 ms
        "title": "Senior Backend Engineer",
        "company": "acme",
        "location_raw": "London",
        "country": "GB",
        "remote": "hybrid",
        "employment_type": "full_time",
        "salary_min": 85000.0,
        "salary_max": 105000.0,
        "salary_currency": "GBP",
        "salary_period": "year",
        "description": "Join the platform team building our Kotlin APIs.\n\nWhat you'll do\n\n"
                       "- Run services on Kubernetes\n\n- Review code\n\nWhat you bring\n\n"
                       "- 5+ years of backend work\n\nWe sponsor visas.",
        "url": "https://jobs.lever.co/acme/8f0c1b2a-3d4e-4f50-8a6b-7c8d9e0f1a2b",
    }
    contract = rows["1a2b3c4d-0000-4000-8000-000000000002"]
    assert (contract["remote"], contract["employment_type"]) == ("remote", "contract")
    assert "salary_min" not in contract and "country" not in contract


def test_ashby_board_maps_compensation_components(tmp_path):
    raw = tmp_path / "ashby"
    with LoopbackServer({"/posting-api/job-board/acme": Reply(fixture("ashby/acme.json"))}
                        ) as srv:
        report = ashby.ingest(raw, client(), srv.url + "/posting-api/job-board/{token}",
                              boards=["acme"], fetch_date=DAY1)
    assert report.errors == []
    assert srv.requests[0][0] == "/posting-api/job-board/acme?includeCompensation=true"
    rows, rejected = read(ashby.SOURCE, raw)
    assert rejected == []
    assert rows["4b3c2d1e-aaaa-4bbb-8ccc-0123456789ab"] == {
        "source_id": "4b3c2d1e-aaaa-4bbb-8ccc-0123456789ab",
        "posted_date": dt.date(2026, 2, 27),
        "title": "Backend Engineer, Infrastructure",
        "company": "acme",
        "location_raw": "New York",
        "remote": "hybrid",
        "employment_type": "full_time",
        "salary_min": 170000.0,
        "salary_max": 210000.0,
        "salary_currency": "USD",
        "salary_period": "year",
        "description": "Scale our Postgres fleet.",
        "url": "https://jobs.ashbyhq.com/acme/4b3c2d1e-aaaa-4bbb-8ccc-0123456789ab",
    }
    rails = rows["9e8d7c6b-bbbb-4ccc-8ddd-0123456789cd"]
    assert rails["remote"] == "remote"  # isRemote, no workplaceType
    assert rails["employment_type"] == "contract"
    assert rails["salary_text"] == "€500 – €650 per day"  # no Salary component: the summary
    assert rails["description"] == "Ruby on Rails & Sidekiq."  # from descriptionHtml


def test_board_tokens_come_from_the_config_file(tmp_path):
    config = tmp_path / "boards.toml"
    config.write_text('[[lever]]\ntoken = "acme"\ncompany = "Acme Ltd"\n')
    with LoopbackServer({"/v0/postings/acme": Reply(fixture("lever/acme.json"))}) as srv:
        report = lever.ingest(tmp_path / "lever", client(), srv.url + "/v0/postings/{token}",
                              config=config, fetch_date=DAY1)
    assert report.errors == [] and [p.name for p in report.files_written] == ["acme.json"]
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    report = ashby.ingest(tmp_path / "ashby", client(), "http://127.0.0.1:9/{token}",
                          config=empty, fetch_date=DAY1)
    assert report.errors and "no ashby boards" in report.errors[0]


def test_shipped_job_boards_config_lists_tokens_for_each_platform():
    from etl.sources.snapshots import job_boards

    for platform in ("greenhouse", "lever", "ashby"):
        boards = job_boards(platform)
        assert len(boards) >= 2
        assert all(token and company for token, company in boards.items())


# --- Adzuna ------------------------------------------------------------------------------------

def adzuna_routes(page2: Reply | None = None) -> dict:
    return {"/v1/api/jobs/gb/search/1": Reply(fixture("adzuna/gb-page-1.json")),
            "/v1/api/jobs/gb/search/2": page2 or Reply(fixture("adzuna/gb-page-2.json"))}


def test_adzuna_api_pages_flag_predicted_salaries_as_estimates(tmp_path, monkeypatch):
    for key, value in ADZUNA_ENV.items():
        monkeypatch.setenv(key, value)
    raw = tmp_path / "adzuna"
    with LoopbackServer(adzuna_routes()) as srv:
        report = adzuna.ingest(raw, client(), srv.url + "/v1/api/jobs", country="gb",
                               what="python developer", results_per_page=2, fetch_date=DAY1)
    assert report.errors == []
    assert [p.name for p in report.files_written] == ["gb-page-1.json", "gb-page-2.json"]
    assert len(srv.requests) == 2  # count 3 at 2 a page: stops after page 2
    first = srv.requests[0][0]
    assert first.startswith("/v1/api/jobs/gb/search/1?app_id=app-id-123&app_key=secret-key-456")
    assert "what=python+developer" in first and "results_per_page=2" in first

    rows, rejected = read(adzuna.SOURCE, raw)
    assert rejected == [] and len(rows) == 3
    assert rows["4870001001"] == {
        "source_id": "4870001001",
        "posted_date": dt.date(2026, 3, 1),
        "title": "Backend Developer - Python/Django",
        "company": "Northern Code Ltd",
        "location_raw": "Manchester, Greater Manchester",
        "country": "GB",
        "employment_type": "full_time",
        "salary_min": 55000.0,
        "salary_max": 65000.0,
        "salary_currency": "GBP",
        "salary_period": "year",
        "salary_is_estimate": False,
        "description": "We are looking for a Backend Developer to join our team in Manchester & "
                       "build Django APIs...",
        "url": "https://www.adzuna.co.uk/jobs/land/ad/4870001001?se=abc&utm_medium=api",
    }
    predicted = rows["4870001002"]
    assert predicted["salary_is_estimate"] is True  # salary_is_predicted "1": never advertised
    assert (predicted["salary_min"], predicted["employment_type"]) == (71234.56, "contract")
    assert rows["4870001003"]["salary_is_estimate"] is False
    assert "salary_min" not in rows["4870001003"]


def test_adzuna_failure_names_the_url_without_the_key(tmp_path, monkeypatch):
    for key, value in ADZUNA_ENV.items():
        monkeypatch.setenv(key, value)
    raw = tmp_path / "adzuna"
    with LoopbackServer(adzuna_routes(page2=Reply("oops", status=500))) as srv:
        report = adzuna.ingest(raw, client(retries=1), srv.url + "/v1/api/jobs", country="gb",
                               results_per_page=2, fetch_date=DAY1)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert f"{srv.url}/v1/api/jobs/gb/search/2?app_id=***&app_key=***" in error
    assert "HTTP 500" in error and "gave up after 2 attempts" in error
    assert "secret-key-456" not in error and "app-id-123" not in error
    assert [p.name for p in report.files_written] == ["gb-page-1.json"]
    assert len(read(adzuna.SOURCE, raw)[0]) == 2


def test_adzuna_refuses_without_credentials(tmp_path, monkeypatch):
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.setenv("ADZUNA_APP_KEY", "")
    with LoopbackServer(adzuna_routes()) as srv:
        report = adzuna.ingest(tmp_path / "adzuna", client(), srv.url + "/v1/api/jobs",
                               fetch_date=DAY1)
    assert srv.requests == [] and report.files_written == []
    assert report.errors == ["Adzuna needs an API key: set ADZUNA_APP_ID and ADZUNA_APP_KEY in "
                             "the environment (free at https://developer.adzuna.com), or store a "
                             "saved CSV with --file"]


@pytest.mark.shared_data
def test_adzuna_saved_csv_from_shared_data(shared_data, tmp_path, monkeypatch):
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)  # --file needs no key
    csv_path = shared_data / "adzuna" / "adzuna_search_results_us.csv"
    raw = tmp_path / "adzuna"
    report = adzuna.ingest(raw, files=[csv_path], fetch_date=DAY1)
    assert report.errors == [] and len(report.files_written) == 1
    assert report.files_written[0].read_bytes() == csv_path.read_bytes()  # unmodified copy
    assert adzuna.ingest(raw, files=[csv_path], fetch_date=DAY2).skipped == 1  # stored once

    rows, rejected = read(adzuna.SOURCE, raw)
    assert rejected == []
    assert len(rows) == 748
    assert sum(r["salary_is_estimate"] for r in rows.values()) == 747
    assert all(r["country"] == "US" for r in rows.values())
    first = rows["5587836974"]  # company and location parsed from their Python-repr strings
    assert (first["company"], first["location_raw"]) == ("Galon Solution Inc",
                                                         "Reston, Fairfax County")
    assert (first["posted_date"], first["title"]) == (dt.date(2026, 1, 16), "AWS Python Developer")
    assert (first["salary_min"], first["salary_currency"]) == (95739.48, "USD")
    advertised = [r for r in rows.values() if not r["salary_is_estimate"]]
    assert [(r["source_id"], r["company"], r["salary_min"], r["salary_max"])
            for r in advertised] == [("5620029107", "Robert Half", 125000.0, 140000.0)]
    assert sum(r.get("employment_type") == "contract" for r in rows.values()) == 142


def test_adzuna_csv_with_a_broken_repr_rejects_that_row(tmp_path):
    folder = tmp_path / "adzuna" / "2026-03-02"
    folder.mkdir(parents=True)
    (folder / "saved.csv").write_text(
        "id,title,created,company,location,category,salary_min,salary_max,salary_is_predicted\n"
        "1,Backend Dev,2026-01-02T00:00:00Z,\"{'display_name': 'A'}\",\"{'area': ['US']}\","
        "\"{}\",100000,120000,0\n"
        "2,API Dev,2026-01-03T00:00:00Z,\"__import__('os')\",\"{}\",\"{}\",,,\n")
    rows, rejected = read(adzuna.SOURCE, tmp_path / "adzuna")
    assert rows["1"]["company"] == "A" and rows["1"]["salary_is_estimate"] is False
    assert [(r.row, r.reason.split(" (")[0]) for r in rejected] == [
        ("2", "company \"__import__('os')\" is not a readable object")]


# --- USAJOBS -----------------------------------------------------------------------------------

def test_usajobs_sends_key_headers_pages_and_maps_fields(tmp_path, monkeypatch):
    for key, value in USAJOBS_ENV.items():
        monkeypatch.setenv(key, value)
    raw = tmp_path / "usajobs"
    routes = {"/api/search?ResultsPerPage=1&Page=1&JobCategoryCode=2210":
              Reply(fixture("usajobs/page-1.json")),
              "/api/search?ResultsPerPage=1&Page=2&JobCategoryCode=2210":
              Reply(fixture("usajobs/page-2.json"))}
    with LoopbackServer(routes) as srv:
        report = usajobs.ingest(raw, client(), srv.url + "/api/search", results_per_page=1,
                                fetch_date=DAY1)
    assert report.errors == [] and len(report.files_written) == 2
    assert len(srv.requests) == 2  # NumberOfPages 2
    headers = srv.requests[0][1]
    assert headers["User-Agent"] == "radar@example.org"
    assert headers["Authorization-Key"] == "usajobs-key-789"
    assert headers["Host"] == srv.url.removeprefix("http://")

    rows, rejected = read(usajobs.SOURCE, raw)
    assert rejected == []
    assert rows["812345600"] == {
        "source_id": "812345600",
        "posted_date": dt.date(2026, 3, 2),
        "title": "IT Specialist (APPSW)",
        "company": "Bureau of Consular Affairs",
        "location_raw": "Washington, District of Columbia",
        "country": "US",
        "remote": "hybrid",  # telework-eligible, not remote
        "employment_type": "full_time",
        "salary_min": 117962.0,
        "salary_max": 153354.0,
        "salary_currency": "USD",
        "salary_period": "year",  # RateIntervalCode PA
        "description": "Develops and maintains web applications and APIs for passport services."
                       "\n\nDesigns RESTful services.\n\nMaintains Java and Python code.",
        "url": "https://www.usajobs.gov:443/GetJob/ViewDetails/812345600",
    }
    intern = rows["812399900"]
    assert (intern["remote"], intern["employment_type"]) == ("remote", "internship")
    assert (intern["salary_min"], intern["salary_max"], intern["salary_period"]) == (
        21.5, 27.9, "hour")  # RateIntervalCode PH


def test_usajobs_refuses_without_credentials(tmp_path, monkeypatch):
    monkeypatch.setenv("USAJOBS_API_KEY", "k")
    monkeypatch.delenv("USAJOBS_EMAIL", raising=False)
    report = usajobs.ingest(tmp_path / "usajobs", client(), "http://127.0.0.1:9/api/search")
    assert report.files_written == []
    assert report.errors and report.errors[0].startswith(
        "USAJOBS needs an API key: set USAJOBS_EMAIL in the environment")


def test_usajobs_exhausted_429_is_reported_and_page_one_kept(tmp_path, monkeypatch):
    for key, value in USAJOBS_ENV.items():
        monkeypatch.setenv(key, value)
    raw = tmp_path / "usajobs"
    routes = {"/api/search?ResultsPerPage=1&Page=1": Reply(fixture("usajobs/page-1.json")),
              "/api/search?ResultsPerPage=1&Page=2": Reply("", status=429)}
    with LoopbackServer(routes) as srv:
        report = usajobs.ingest(raw, client(retries=2), srv.url + "/api/search",
                                job_category=None, results_per_page=1, fetch_date=DAY1)
    assert report.errors == [f"{srv.url}/api/search?ResultsPerPage=1&Page=2: HTTP 429 Too Many "
                             "Requests (gave up after 3 attempts)"]
    assert "usajobs-key-789" not in report.errors[0]
    assert [p.name for p in report.files_written] == ["page-1.json"]
    assert list(read(usajobs.SOURCE, raw)[0]) == ["812345600"]


# --- every connector's rows fit the posting schema --------------------------------------------

@pytest.mark.parametrize("module, files, expected", [
    (remotive, ["remotive/remote-jobs-day1.json"], 2),
    (arbeitnow, ["arbeitnow/page-1.json", "arbeitnow/page-2.json", "arbeitnow/page-3.json"], 4),
    (remoteok, ["remoteok/api.json"], 2),
    (greenhouse, ["greenhouse/acme.json"], 2),
    (lever, ["lever/acme.json"], 2),
    (ashby, ["ashby/acme.json"], 2),
    (adzuna, ["adzuna/gb-page-1.json", "adzuna/gb-page-2.json"], 3),
    (usajobs, ["usajobs/page-1.json", "usajobs/page-2.json"], 2),
])
def test_staging_rows_normalise_to_schema_rows(tmp_path, module, files, expected):
    from etl.transforms.normalize import posting_row

    folder = tmp_path / module.SOURCE.name / DAY1.isoformat()
    folder.mkdir(parents=True)
    for name in files:
        (folder / Path(name).name).write_bytes(fixture(name))
    rows, _ = read(module.SOURCE, tmp_path / module.SOURCE.name)
    now = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    normalised = [posting_row(row, module.SOURCE.name, now) for row in rows.values()]
    assert len(normalised) == expected  # none refused: posting_row raises RecordProblem
    estimates = {r["source_id"]: r["salary_is_estimate"] for r in normalised}
    assert sum(estimates.values()) == (1 if module is adzuna else 0)


def test_company_of_a_board_comes_from_the_shipped_config(tmp_path):
    folder = tmp_path / "lever" / DAY1.isoformat()
    folder.mkdir(parents=True)
    (folder / "palantir.json").write_bytes(fixture("lever/acme.json"))
    (folder / "palantir-2.json").write_bytes(b"[]")  # a second fetch the same day
    rows, rejected = read(lever.SOURCE, tmp_path / "lever")
    assert rejected == []
    assert {row["company"] for row in rows.values()} == {"Palantir Technologies"}
