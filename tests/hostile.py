"""Hostile files: malformed files of each class, for the file-reading sources, each with the
rows that must land and the reasons the bad ones must be quarantined with.

Every file holds GOOD well-formed rows around one damaged spot, so a test can check that the good
rows land and the bad ones are in quarantine with their reason. Used by tests/test_hostile_files.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GOOD = 4  # well-formed rows in every file (two before the damage, two after)


@dataclass(frozen=True)
class Hostile:
    """One malformed file: its name, bytes, the good rows that must land and the quarantine
    reasons expected (substrings, one per quarantined row; the whole file when ``whole``)."""

    klass: str
    name: str
    data: bytes
    landed: int
    reasons: tuple[str, ...]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if ("," in value or "\n" in value) else value
    return "".join(",".join(cell(v) for v in row) + "\n" for row in [header, *rows])


# --- LinkedIn postings.csv ---------------------------------------------------------------------

LI_HEADER = ["job_id", "company_name", "title", "description", "location", "listed_time"]
LI_MS = str(int(dt.datetime(2024, 4, 1, tzinfo=dt.UTC).timestamp() * 1000))


def _li_row(n: int) -> list[str]:
    return [str(n), f"Firm {n}", "Backend Engineer", f"Python and PostgreSQL, post {n}.",
            "Austin, TX", LI_MS]


def linkedin_files() -> list[Hostile]:
    """LinkedIn files with a stray quote, short and long rows, a duplicated header, bad times."""
    good = [_li_row(n) for n in (1, 2)]
    after = [_li_row(n) for n in (5, 6)]
    head = _csv(LI_HEADER, good)
    tail = _csv(LI_HEADER, after).split("\n", 1)[1]
    files = [
        Hostile("too few fields", "short.csv",
                (head + "3,Firm 3,Backend Engineer\n" + tail).encode(), GOOD,
                ("has 3 fields, the header has 6",)),
        Hostile("too many fields (shifted company)", "long.csv",
                (head + "3,Firm,3,Backend Engineer,Go.,Austin,TX," + LI_MS + "\n" + tail).encode(),
                GOOD, ("has 8 fields, the header has 6",)),
        Hostile("unbalanced quote", "quote.csv",
                (head + '3,Firm 3,Backend Engineer,"Go and Rust,Austin TX,' + LI_MS + "\n" + tail
                 ).encode(), 3, ("fields, the header has 6",)),
        # the open quote runs on to the next quote, in row 5: rows 3 and 5 read as one record,
        # which is quarantined with its field count (before: row 5 vanished into a description)
        Hostile("duplicated header name", "dup.csv",
                _csv([*LI_HEADER[:2], "title", *LI_HEADER[2:]],
                     [[r[0], r[1], "Other", *r[2:]] for r in good + after]).encode(), 0,
                ("the header names 'title' more than once",)),
        Hostile("listed_time Infinity", "inf.csv",
                (head + _csv(LI_HEADER, [[*_li_row(3)[:5], "Infinity"]]).split("\n", 1)[1] + tail
                 ).encode(), GOOD, ("is not epoch milliseconds",)),
        Hostile("listed_time 1e20", "big.csv",
                (head + _csv(LI_HEADER, [[*_li_row(3)[:5], "1e20"]]).split("\n", 1)[1] + tail
                 ).encode(), GOOD, ("is not epoch milliseconds",)),
        Hostile("date 9999-12-31 (ms)", "far.csv",
                (head + _csv(LI_HEADER, [[*_li_row(3)[:5], "253402214400000"]]).split("\n", 1)[1]
                 + tail).encode(), GOOD, ("posted_date 9999-12-31 is more than 7 days",)),
        Hostile("date 1970 (seconds read as ms)", "epoch.csv",
                (head + _csv(LI_HEADER, [[*_li_row(3)[:5], "1711929600"]]).split("\n", 1)[1]
                 + tail).encode(), GOOD, ("is before 1995-01-01",)),
    ]
    return files


# --- your own CSV through a column map -----------------------------------------------------------

OWN_HEADER = ["id", "Job Title", "Posted", "Text", "Where"]
OWN_MAP = ("id=source_id, Job Title=title, Posted=posted_date, Text=description, "
           "Where=location_raw")


def _own_row(n: int, posted: str = "2024-03-01") -> list[str]:
    return [str(n), "Backend Engineer", posted, f"Go services, post {n}.", "Berlin"]


def own_files() -> list[Hostile]:
    """Own CSV files with short and long rows, a stray quote, implausible dates, a long field."""
    good = [_own_row(n) for n in (1, 2)]
    after = [_own_row(n) for n in (5, 6)]

    def around(*middle: list[str], raw: str = "") -> bytes:
        body = _csv(OWN_HEADER, good) + raw + _csv(OWN_HEADER, [*middle, *after]).split("\n", 1)[1]
        return body.encode()

    return [
        Hostile("too few fields", "short.csv", around(raw="3,Backend Engineer\n"), GOOD,
                ("has 2 fields, the header has 5",)),
        Hostile("too many fields", "long.csv", around(raw="3,Backend,Engineer,2024-03-01,Go.,"
                                                          "Berlin\n"), GOOD,
                ("has 6 fields, the header has 5",)),
        Hostile("date 9999-12-31", "far.csv", around(_own_row(3, "9999-12-31")), GOOD,
                ("posted_date 9999-12-31 is more than 7 days",)),
        Hostile("date 0001-01-01", "old.csv", around(_own_row(3, "0001-01-01")), GOOD,
                ("posted_date 0001-01-01 is before 1995-01-01",)),
        Hostile("field over 128 KB", "wide.csv",
                around([*_own_row(3)[:3], "Python " * 30_000, "Berlin"]), GOOD + 1, ()),
    ]


# --- Hacker News runs of jobs ({"jobs": [...]}) --------------------------------------------------

HN_TIME = int(dt.datetime(2024, 4, 2, tzinfo=dt.UTC).timestamp())


def _hn_job(n: int, **changes) -> dict:
    job = {"id": 9_000_000 + n, "type": "job", "time": HN_TIME,
           "text": f"Acme {n} | Backend Engineer | Berlin | Python, PostgreSQL"}
    job.update(changes)
    return job


def hn_files() -> list[Hostile]:
    """HN runs whose job is not an object, whose text is not a string, whose time is absurd;
    a file that is not JSON at all; a run that stops mid-way (truncated)."""
    import json

    good = [_hn_job(1), _hn_job(2)]
    after = [_hn_job(5), _hn_job(6)]

    def run(*middle) -> bytes:
        return json.dumps({"jobs": [*good, *middle, *after]}).encode()

    return [
        Hostile("job not an object", "run-a.json", run(7, "text", [1]), GOOD,
                ("not an object but int", "not an object but str", "not an object but list")),
        Hostile("text not a string", "run-b.json",
                run(_hn_job(3, text=42), _hn_job(4, text={"html": "x"})), GOOD,
                ("text is not a string but int", "text is not a string but dict")),
        Hostile("time Infinity", "run-c.json",
                run(_hn_job(3, time=float("inf")), _hn_job(4, time=float("nan"))), GOOD,
                ("time inf is not a date", "time nan is not a date")),
        Hostile("time 1e20", "run-d.json", run(_hn_job(3, time=1e20)), GOOD,
                ("time 1e+20 is not a date",)),
        Hostile("date in year 9999", "run-e.json", run(_hn_job(3, time=253402214399)), GOOD,
                ("posted_date 9999-12-30 is more than 7 days",)),
        Hostile("truncated run", "run-f.json", run()[:-40], 0, ("not valid JSON",)),
    ]


def own_encoding_files() -> list[Hostile]:
    """Own CSV and JSON Lines files with a byte that is not UTF-8 after the first 8 KB."""
    import json

    rows = [_own_row(n) for n in range(1, 201)]
    body = _csv(OWN_HEADER, rows).encode()
    cut = body.index(b"\n", 9000) + 1  # the start of a row past 9 KB
    csv_bytes = body[:cut] + b"\xff" + body[cut:]
    lines = [json.dumps(dict(zip(OWN_HEADER, r, strict=True))) for r in rows]
    jsonl = "\n".join(lines).encode() + b"\n"
    cut = jsonl.index(b"\n", 9000) + 1
    jsonl_bytes = jsonl[:cut] + b'{"id": "x\xfe"}\n' + jsonl[cut:]
    return [Hostile("non-UTF-8 byte after 8 KB (CSV)", "late.csv", csv_bytes, 199,
                    ("holds bytes that are not UTF-8",)),
            Hostile("non-UTF-8 byte after 8 KB (JSON Lines)", "late.jsonl", jsonl_bytes, 200,
                    ("holds bytes that are not UTF-8",))]
