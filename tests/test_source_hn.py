"""HN "Who is hiring": reading real threads and runs, header parsing, fetching over loopback."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.http import HttpClient
from etl.sources import hn
from etl.sources.base import Rejected
from tests.loopback import LoopbackServer, Reply

APRIL_2011 = "algolia_item_2396027_april_2011.json"
RUNS = ("firebase_items_run_2026-01-01.json", "firebase_items_run_2026-02-01.json",
        "firebase_items_run_2026-03-15.json")


def _split(items):
    items = list(items)
    rows = [i for i in items if not isinstance(i, Rejected)]
    return rows, [i for i in items if isinstance(i, Rejected)]


def _raw_with(tmp_path: Path, folder: Path, names: tuple[str, ...]) -> Path:
    """A raw hn folder holding the given files, as ingest --from-dir would leave it."""
    raw = tmp_path / "raw" / "hn" / "2026-03-20"
    raw.mkdir(parents=True)
    for name in names:
        shutil.copyfile(folder / name, raw / name)
    return raw.parent


def test_april_2011_top_level_postings(shared_data, tmp_path):
    thread = json.loads((shared_data / "hn" / APRIL_2011).read_text())
    assert len(thread["children"]) == 219
    live = [c for c in thread["children"]
            if c.get("text") is not None and not c.get("deleted") and not c.get("dead")]
    replies = sum(len(c["children"]) for c in thread["children"])

    raw = _raw_with(tmp_path, shared_data / "hn", (APRIL_2011,))
    rows, rejected = _split(hn.SOURCE.read(raw))

    assert rejected == []
    assert len(rows) == len(live)
    assert {r["source_id"] for r in rows} == {str(c["id"]) for c in live}
    assert replies > 0 and not {r["source_id"] for r in rows} & {
        str(g["id"]) for c in thread["children"] for g in c["children"]}
    dates = sorted(r["posted_date"] for r in rows)
    assert dates[0] == dt.date(2011, 4, 1) and dates[-1] < dt.date(2011, 5, 1)
    montreal = next(r for r in rows if r["source_id"] == "2396109")
    assert montreal["title"] == "PHP/MySQL Developer"
    assert montreal["location_raw"] == "Montreal"
    assert montreal["url"] == "https://news.ycombinator.com/item?id=2396109"
    assert "<p>" not in montreal["description"] and "gammajobs.com" in montreal["description"]


def test_firebase_runs_deduplicated_by_id(shared_data, tmp_path):
    ids = set()
    for name in RUNS:
        jobs = json.loads((shared_data / "hn" / name).read_text())["jobs"]
        ids |= {str(j["id"]) for j in jobs if j.get("text")}
    raw = _raw_with(tmp_path, shared_data / "hn", RUNS)
    # a later run that repeats February's jobs under another name must not add postings
    rerun = raw / "2026-03-21"
    rerun.mkdir()
    shutil.copyfile(shared_data / "hn" / RUNS[1], rerun / "run_again.json")

    rows, rejected = _split(hn.SOURCE.read(raw))

    assert rejected == []
    # every copy is passed on (441 February jobs read twice); the build keeps each id once
    # (etl/warehouse/build.first_seen_drops, tests/test_first_seen.py)
    assert len(ids) == 1048 and len(rows) == len(ids) + 441
    assert {r["source_id"] for r in rows} == ids
    ddg = next(r for r in rows if r["source_id"] == "46858891")
    assert ddg["posted_date"].year == 2026 and "&#x2F;" not in ddg["description"]


@pytest.mark.parametrize("item_id, expected", [
    ("46857717", {"company": "FreightRoll", "title": "Software Engineer",
                  "location_raw": "Remote (US only)", "remote": "remote",
                  "employment_type": "full_time",
                  "salary_text": "$150k – $175K (Salary + Equity)"}),
    ("46858891", {"company": "DuckDuckGo", "title": "Multiple Roles", "remote": "remote",
                  "salary_text": "$178,500 - $320,000 USD + equity"}),
    ("46466619", {"company": "Kyber", "title": "Low-level Developers",
                  "location_raw": "Paris area (hybrid) and Remote in Europe", "remote": "remote"}),
    ("46467610", {"company": "MiLaboratories", "location_raw": "Bilbao, Spain",
                  "remote": "onsite"}),
    ("46467076", {"company": "Hatchet", "title": "Founding Engineer",
                  "location_raw": "NYC or REMOTE (US and EU)", "remote": "remote"}),
    ("47178176", {"company": "Ubicloud", "title": "Software Engineer",
                  "salary_text": "$95-$250K in Turkey, Netherlands, CA"}),
])
def test_real_headers(shared_data, tmp_path, item_id, expected):
    rows, _ = _split(hn.SOURCE.read(_raw_with(tmp_path, shared_data / "hn", RUNS)))
    row = next(r for r in rows if r["source_id"] == item_id)
    assert {k: row.get(k) for k in expected} == expected


@pytest.mark.parametrize("header, expected", [
    ("Montreal - PHP/MySQL Developer",
     {"title": "PHP/MySQL Developer", "location_raw": "Montreal"}),
    ("Portland, OR - Rails Developer - Kongregate",
     {"title": "Rails Developer", "company": "Kongregate", "location_raw": "Portland, OR"}),
    ("Bangalore, India (Sorry, no remote).", {"remote": "onsite"}),
    ("Acme | Senior Backend Engineer | Berlin, Germany | HYBRID | €80-100k | Full-time",
     {"company": "Acme", "title": "Senior Backend Engineer", "location_raw": "Berlin, Germany",
      "remote": "hybrid", "salary_text": "€80-100k", "employment_type": "full_time"}),
    ("Kyber (YC W23) Is Hiring an Enterprise Account Executive",
     {"company": "Kyber", "title": "Enterprise Account Executive"}),
])
def test_header_convention(header, expected):
    parsed = hn.parse_header(header)
    assert {k: parsed.get(k) for k in expected} == expected


@pytest.mark.parametrize("header, company", [
    ("Covariant (https://covariant.ai/) | Robotics Engineer | Berkeley, CA", "Covariant"),
    ("SkyPicker - https://www.skypicker.com | Brno, Prague | ONSITE", "SkyPicker"),
    ("Wedding Party www.weddingpartyapp.com | iOS Engineer | NYC", "Wedding Party"),
    ("Acme [www.acme.io] | Backend Engineer | Remote", "Acme"),
    ("https://acme.io | Backend Engineer | Remote", None),  # an address alone is no company
    ("### http://GetLighthouse.com | Engineer | SF", "### http://GetLighthouse.com"),
    ("Acme.com | Backend Engineer | Remote", "Acme.com"),  # a name that is an address stays
])
def test_a_company_s_web_address_is_not_part_of_its_name(header, company):
    assert hn.parse_header(header).get("company") == company


def test_company_name_keeps_a_name_that_is_only_an_address():
    assert hn.company_name("https://acme.io") == "https://acme.io"
    assert hn.company_name("Acme Inc.") == "Acme Inc."
    assert hn.company_name(None) is None


def test_salary_from_body_but_not_401k_or_funding():
    text = ("Acme | Engineer | Remote\nWe raised $20M last year. 401k match.\n"
            "Base salary $120k-$150k.")
    assert hn.parse_header(text.split("\n")[0], text)["salary_text"] == "Base salary $120k-$150k."
    assert "salary_text" not in hn.parse_header("Acme | Engineer", "Acme\nWe raised $20M. 401k.")


def test_empty_and_deleted_comments(tmp_path):
    thread = {"id": 1, "type": "story", "title": "Ask HN: Who is hiring? (May 2020)",
              "children": [
                  {"id": 11, "type": "comment", "text": "Acme | Engineer | Remote",
                   "created_at_i": 1588334400, "children": []},
                  {"id": 12, "type": "comment", "text": None, "author": None,
                   "created_at_i": 1588334400, "children": []},
                  {"id": 13, "type": "comment", "text": "<p> </p>",
                   "created_at_i": 1588334400, "children": []}]}
    folder = tmp_path / "hn" / "2026-01-01"
    folder.mkdir(parents=True)
    (folder / "item_1.json").write_text(json.dumps(thread))

    rows, rejected = _split(hn.SOURCE.read(tmp_path / "hn"))

    assert [r["source_id"] for r in rows] == ["11"]
    assert [(r.file, r.row, r.reason) for r in rejected] == [
        ("hn/2026-01-01/item_1.json", "13", "empty text")]


def test_only_monthly_hiring_threads_are_kept(shared_data):
    hits = json.loads((shared_data / "hn" / "algolia_search_by_date_whoishiring_hits.json")
                      .read_text())
    monthly = [h for h in hits if h["title"].lower().startswith("ask hn: who is hiring? (")]
    kept = [h for h in hits if hn.thread_month(h)]
    assert kept == monthly and len(kept) == 149
    assert {h["objectID"] for h in hits} - {h["objectID"] for h in kept} == {
        "22665398", "7829033", "2391828"}  # "right now?", a Show HN, a meta question
    assert hn.thread_month({"title": "Ask HN: Who wants to be hired? (May 2020)"}) is None
    assert hn.thread_month({"title": "Ask HN: Freelancer? Seeking freelancer? (May 2020)"}) is None
    assert hn.thread_month({"title": "Ask HN: Who Is Hiring? (July 2012)"}) == (2012, 7)


def _search_route(hits: list[dict]):
    """search_by_date with Algolia's paging; the first request gets a 429."""
    calls = []

    def route(path: str, headers: dict) -> Reply:
        calls.append(path)
        if len(calls) == 1:
            return Reply(b'{"message": "rate limited"}', status=429, headers={"Retry-After": "0"})
        query = parse_qs(urlsplit(path).query)
        per_page, page = int(query["hitsPerPage"][0]), int(query["page"][0])
        body = {"hits": hits[page * per_page:(page + 1) * per_page], "page": page,
                "nbPages": math.ceil(len(hits) / per_page), "hitsPerPage": per_page,
                "nbHits": len(hits)}
        return Reply(json.dumps(body))
    return route


def _thread(hit: dict) -> bytes:
    child = {"id": int(hit["objectID"]) + 1, "type": "comment", "created_at_i": hit["created_at_i"],
             "text": "Acme | Backend Engineer | REMOTE (US) | $150k", "children": []}
    return json.dumps({"id": int(hit["objectID"]), "type": "story", "title": hit["title"],
                       "created_at_i": hit["created_at_i"], "children": [child]}).encode()


def test_fetch_over_loopback(shared_data, tmp_path):
    hits = json.loads((shared_data / "hn" / "algolia_search_by_date_whoishiring_hits.json")
                      .read_text())
    march_2020 = next(h for h in hits if h["objectID"] == "22465476")
    not_postings = [dict(march_2020, objectID="900001", title="Ask HN: Who wants to be hired? "
                         "(March 2020)"), dict(march_2020, objectID="900002",
                                               title="Ask HN: Freelancer? Seeking freelancer? "
                                                     "(March 2020)")]
    hits = hits[:44] + not_postings + hits[44:]
    by_id = {h["objectID"]: h for h in hits}
    feb, mar, apr = "22225314", "22465476", "22749308"
    routes = {"/api/v1/search_by_date": _search_route(hits)}
    for object_id in by_id:
        routes[f"/api/v1/items/{object_id}"] = Reply(_thread(by_id[object_id]))
    routes[f"/api/v1/items/{feb}"] = Reply(b"oops", status=500)
    routes[f"/api/v1/items/{mar}"] = [Reply(b"", status=429, headers={"Retry-After": "0"}),
                                      Reply(_thread(by_id[mar]))]
    client = HttpClient(delay_s=0, retries=2, backoff_s=0)
    raw = tmp_path / "raw" / "hn"
    options = {"since": "2020-02", "until": "2020-04", "hits_per_page": 50, "client": client}

    with LoopbackServer(routes) as server:
        base = server.url + "/api/v1"
        first = hn.ingest(raw, base_url=base, fetch_date=dt.date(2026, 3, 1), **options)
        item_requests = {urlsplit(p).path.rsplit("/", 1)[1] for p, _ in server.requests
                         if "/items/" in p}
        ua = {h.get("User-Agent") for _, h in server.requests}

        routes[f"/api/v1/items/{feb}"] = Reply(_thread(by_id[feb]))
        second = hn.ingest(raw, base_url=base, fetch_date=dt.date(2026, 3, 2), **options)
        before = len(server.requests)
        third = hn.ingest(raw, base_url=base, fetch_date=dt.date(2026, 3, 3), **options)
        third_items = [p for p, _ in server.requests[before:] if "/items/" in p]

    assert item_requests == {feb, mar, apr}  # not "right now?", not the hired/freelancer threads
    assert sorted(p.name for p in first.files_written) == [f"item_{mar}.json", f"item_{apr}.json"]
    assert len(first.errors) == 1 and feb in first.errors[0] and "HTTP 500" in first.errors[0]
    assert (raw / "2026-03-01" / f"item_{mar}.json").read_bytes() == _thread(by_id[mar])
    assert ua == {client.user_agent}
    assert [p.name for p in second.files_written] == [f"item_{feb}.json"]
    assert (second.skipped, second.errors) == (2, [])
    assert (third.files_written, third.skipped, third.errors, third_items) == ([], 3, [], [])
    rows, _ = _split(hn.SOURCE.read(raw))
    assert len(rows) == 3 and {r["remote"] for r in rows} == {"remote"}


def test_from_dir_copies_threads_and_runs_once(shared_data, tmp_path):
    raw = tmp_path / "hn"
    seen = []
    first = hn.ingest(raw, from_dir=shared_data / "hn", fetch_date=dt.date(2026, 3, 20),
                      progress=lambda done, total, message: seen.append((done, total, message)))
    again = hn.ingest(raw, from_dir=shared_data / "hn", fetch_date=dt.date(2026, 3, 21))

    assert sorted(p.name for p in first.files_written) == sorted((APRIL_2011, *RUNS))
    assert (again.files_written, again.skipped) == ([], 4)
    assert seen[-1][:2] == (4, 4)
    assert any("left out" in m for _, _, m in seen)  # the search listing is not a thread


def _has_pay_every_line(text: str, strict: bool = False) -> bool:
    """hn.has_pay as it was before its shortcuts (no digit test, 401k removed always)."""
    text = hn._FOUR01K.sub("", text)
    for match in hn._MONEY.finditer(text):
        if hn._NOT_PAY.match(text, match.end()):
            continue
        if strict and hn._BARE_K.match(match[0]) and not hn._PAY_WORDS.search(text):
            continue
        return True
    return False


PAY_EDGES = ["", "no digits, only $ and USD", "$120k", "12 401(k)k", "401(k) match", "$401k",
             "USD 401k", "٣٠٠k salary", "１２０k", "raised $20M", "80k-100k base", "300K",
             "300K salary", "Salary: DOE", "€ 401(k) 5", "10 LPA", "comp 150 000 EUR"]


def _archive_descriptions(shared_data) -> list[str]:
    """The postings' texts of three archive months (2013-06, 2019-03, 2023-01)."""
    return [row["description"]
            for month in ("2013-06", "2019-03", "2023-01")
            for _, row in hn._read_archive(shared_data / "hn_archive" / f"{month}.jsonl.gz")
            if isinstance(row, dict)]


def test_pay_and_segment_shortcuts_answer_as_before(shared_data):
    """has_pay's digit test and 401k gate, and segment_kind's kept answers, change no answer:
    every line and header segment of three archive months, and edge texts."""
    lines = list(PAY_EDGES)
    segments = []
    for description in _archive_descriptions(shared_data):
        lines += description.splitlines()
        header = description.split("\n", 1)[0]
        segments += [s.strip(" \t-–—:,.") for s in hn._SPLIT_PIPES.split(header)]
    assert len(lines) > 10_000 and len(segments) > 2_000
    for strict in (False, True):
        assert [hn.has_pay(line, strict) for line in lines] == \
            [_has_pay_every_line(line, strict) for line in lines]
    hn.segment_kind.cache_clear()
    for _ in range(2):  # computed, then kept
        assert [hn.segment_kind(s) for s in segments] == \
            [hn.segment_kind.__wrapped__(s) for s in segments]
    assert hn.segment_kind.cache_info().hits >= len(segments)


# hn._MONEY as it was written before it opened with one set of first characters (speed only)
MONEY_AS_WRITTEN = re.compile(
    r"[$€£¥₹]\s?\d[\d,.]*\s?[kK]?|\b\d{2,3}(?:[.,]\d{3})?\s?[kK]\b|"
    r"\b\d[\d,.]*\s?(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|INR|k€|k£)\b|"
    r"\b(?:USD|EUR|GBP|CAD|AUD|CHF)\s?\d|\b\d+(?:\.\d+)?\s?LPA\b")
MONEY_PIECES = ["$", "€", "£", "¥", "₹", "1", "20", "300", "4,500", "7.5", "٣", "１", "k", "K", "M",
                "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "INR", "LPA", "k€", "k£", "US",
                "CH", "A", "E", "xUSD", "a1", "_2", " ", ".", ",", "-", "/", "(", "\n", "é",
                "million", "401(k)"]


def _money_spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_money_finds_what_it_found_as_written(shared_data):
    """Every amount _MONEY finds, on every line of three archive months and the edge texts, is
    the one the pattern as written before found (same spans, same order)."""
    lines = list(PAY_EDGES)
    for description in _archive_descriptions(shared_data):
        lines += description.splitlines()
    found = [_money_spans(hn._MONEY, line) for line in lines]
    assert sum(map(len, found)) > 300  # 432 amounts in these months
    assert found == [_money_spans(MONEY_AS_WRITTEN, line) for line in lines]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MONEY_PIECES), max_size=12))
def test_money_finds_what_it_found_as_written_on_generated_text(pieces):
    text = "".join(pieces)
    assert _money_spans(hn._MONEY, text) == _money_spans(MONEY_AS_WRITTEN, text)


# header patterns that open with \b or a lookbehind, tried only on text holding one of their
# words (hn.MATCH_WORDS), and _PARTS split only where one of its marks is
GATED = {"hybrid_wfh": hn._HYBRID_WFH, "days_away": hn._DAYS_AWAY, "hiring": hn._HIRING,
         "not_a_type": hn._NOT_A_TYPE}
HEADER_EDGES = ["Acme is hiring a Senior Engineer", "ACME ARE HIRING FOR: Rails devs",
                "Remote (3 days a week in office)", "Hybrid (mostly WFH)",
                "HYBRID - work from home", "Full-time Contract", "Part time remote (contract)",
                "Freelance with option for FTE", "potential to full-time",
                "Smart Contracts engineer", "VISA, REMOTE, INTERNS",
                "Interns OK", "interns welcome", "2 days/week onsite", "two days remote", "4x wk",
                "İnterns OK", "Hybrid – ２ days a week", "Acme | NYC / SF | $120k | ONSITE", "",
                "   ", "(Remote)", "[REMOTE]"]
HEADER_PIECES = ["Acme", " is ", " are ", "hiring", "HIRING", " | ", " / ", "/", "(", ")", "[",
                 "]", "Remote", "hybrid", "WFH", "work from home", "2", "two", " days", " day",
                 " a week", " per wk", "x", "Full-time", "part-time", " contract", "Contract",
                 "option for ", "FTE", "smart contracts", "intern", "INTERNS", " ok", "VISA, ",
                 "onsite", "İ", "é", " ", "-"]


def _archive_headers(shared_data) -> list[str]:
    return [d.split("\n", 1)[0] for d in _archive_descriptions(shared_data)]


def _tried_where_they_match(texts: list[str]) -> dict[str, int]:
    """Per gated pattern, how many texts it matches; fails on a match the gate turns away."""
    matched = {}
    for name, pattern in GATED.items():
        hits = [t for t in texts if pattern.search(t)]
        assert [t for t in hits if not hn._may_match(t, hn.MATCH_WORDS[name])] == [], name
        matched[name] = len(hits)
    for text in texts:
        assert hn._parts(text) == [p for p in hn._PARTS.split(text) if p.strip()], text
    return matched


def test_header_patterns_are_tried_wherever_they_match(shared_data):
    """A header a gated pattern matches always holds one of its words, so skipping the others
    changes nothing; the parts are those of the split everywhere."""
    headers = _archive_headers(shared_data)
    matched = _tried_where_they_match(HEADER_EDGES + headers)
    assert len(headers) > 1_000 and all(n >= 3 for n in matched.values()), matched


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HEADER_PIECES), max_size=14))
def test_header_patterns_are_tried_wherever_they_match_on_generated_text(pieces):
    _tried_where_they_match(["".join(pieces)])


def test_header_fields_are_those_without_the_gates(shared_data, monkeypatch):
    """parse_header over three archive months' headers (and edge headers) gives the same fields
    with every pattern tried on every header."""
    headers = HEADER_EDGES + _archive_headers(shared_data)
    gated = [hn.parse_header(h) for h in headers]
    monkeypatch.setattr(hn, "_may_match", lambda text, words: True)
    monkeypatch.setattr(hn, "_parts", lambda h: [p for p in hn._PARTS.split(h) if p.strip()])
    hn.segment_kind.cache_clear()
    assert gated == [hn.parse_header(h) for h in headers]


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def _words_as_the_pattern(texts: list[str]) -> int:
    """Each header word list (hn._Words) finds what its pattern finds on its own: search,
    finditer and sub; returns how many matches were compared."""
    compared = 0
    for kind, words in hn._patterns().items():
        for text in texts:
            found = _spans(words.finditer(text))
            assert found == _spans(words.pattern.finditer(text)), (kind, text)
            first = words.search(text)
            assert (first and first.span()) == (found[0] if found else None), (kind, text)
            assert words.sub(" ", text) == words.pattern.sub(" ", text), (kind, text)
            compared += len(found)
    return compared


def test_word_lists_find_what_their_patterns_find(shared_data):
    """On every header and header part of three archive months (and edge headers)."""
    texts = list(HEADER_EDGES)
    for header in _archive_headers(shared_data):
        texts += [header, *hn._PARTS.split(header)]
    assert _words_as_the_pattern(texts) > 2_000


WORD_PIECES = ["Remote", "remote-first", "REMOTE", "onsite", "on-site", "Hybrid", "full-time",
               "Full Time", "FT", "fte", "PT", "part-time", "contract", "Contractor", "intern",
               "Interns", "co-op", "Engineer", "engineers", "NYC", "London", "SF", "Berlin",
               "-", " ", "|", "/", ",", "(", "x", "ſ", "İ", "K"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=12))
def test_word_lists_find_what_their_patterns_find_on_generated_text(pieces):
    _words_as_the_pattern(["".join(pieces)])
