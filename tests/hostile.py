"""Hostile files: malformed files of each class, for the file-reading sources, each with the
rows that must land and the reasons the bad ones must be quarantined with.

Every file holds GOOD well-formed rows around one damaged spot, so a test can check that the good
rows land and the bad ones are in quarantine with their reason. Used by tests/test_hostile_files.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

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
    whole: bool = False  # the file is refused whole: at ingest, and by the build when stored
    stored: bool = False  # no upload for this source: written straight into its raw folder
    stored_reasons: tuple[str, ...] | None = None  # what the build says, when ingest differs

    def build_reasons(self) -> tuple[str, ...]:
        """The reasons the build's quarantine gives (for a file stored without ingest)."""
        return self.reasons if self.stored_reasons is None else self.stored_reasons


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
                ("the header names 'title' more than once",), whole=True),
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
        # valid JSON (an escape), but no text UTF-8 (so Arrow, Parquet) can hold: the row is
        # refused, the piece it is read in goes on
        Hostile("lone surrogate escape", "run-g.json",
                run(_hn_job(3, text="Acme 3 | Backend Engineer \ud800 | Berlin")), GOOD,
                ("a lone surrogate (U+D800 at character",)),
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


# --- shared pieces ---------------------------------------------------------------------------

WIDE = "Python and PostgreSQL. " * 9_000  # about 200 KB: over the csv module's default 128 KB
UTF16_NOTE = "UTF-16 encoded"


def _with_row(header: list[str], good: list[list[str]], after: list[list[str]],
              raw: str = "", middle: list[list[str]] | None = None) -> bytes:
    """A CSV: header, the good rows, a raw damaged line or middle rows, the rows after."""
    body = _csv(header, good) + raw + _csv(header, [*(middle or []), *after]).split("\n", 1)[1]
    return body.encode()


def _late_byte(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV whose row starting past 9 KB holds a byte that is not UTF-8."""
    body = _csv(header, rows).encode()
    cut = body.index(b"\n", 9000) + 1
    return body[:cut] + b"\xff" + body[cut:]


def _utf16(header: list[str], rows: list[list[str]]) -> bytes:
    return _csv(header, rows).encode("utf-16")


# --- own Parquet, JSON Lines and wrong formats --------------------------------------------------

def _own_parquet(rows: list[dict], checksum: bool = True) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows)
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=2, compression="snappy", use_dictionary=False,
                   write_page_checksum=checksum)
    return out.getvalue()


def _flip_in_group(data: bytes, group: int, column: str, where: str) -> bytes:
    """Bytes flipped in one column chunk of one row group: inside the compressed page body
    ("body"), or in the page header ("header")."""
    import io

    import pyarrow.parquet as pq

    meta = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(group)
    chunk = next(meta.column(i) for i in range(meta.num_columns)
                 if meta.column(i).path_in_schema == column)
    start, size = chunk.data_page_offset, chunk.total_compressed_size
    at = start if where == "header" else start + size - 40
    damaged = bytearray(data)
    for i in range(at, at + 8):
        damaged[i] ^= 0xFF
    return bytes(damaged)


def own_parquet_files() -> list[Hostile]:
    """Own Parquet files: a damaged page in the middle row group (with and without page
    checksums), a damaged footer, dates out of range."""
    rows = [dict(zip(OWN_HEADER, _own_row(n), strict=True)) for n in range(1, 7)]
    for row in rows:
        row["Text"] = f"Go services and PostgreSQL, post {row['id']}. " * 12
    plain = _own_parquet(rows)
    group = "row group 2 of 3 (rows 3-4) cannot be read"
    far = [dict(r) for r in rows]
    far[2]["Posted"] = "9999-12-31"
    dated = [dict(r, Posted=dt.date(2024, 3, 1)) for r in rows]
    return [
        Hostile("damaged page (checksum)", "page.parquet",
                _flip_in_group(plain, 1, "Text", "body"), GOOD, (group,)),
        Hostile("damaged page header", "header.parquet",
                _flip_in_group(_own_parquet(rows, checksum=False), 1, "Text", "header"), GOOD,
                (group,)),
        Hostile("damaged footer", "footer.parquet", plain[:-12] + b"\xff" * 8 + plain[-4:], 0,
                ("cannot read the file",), whole=True),
        Hostile("cut short (truncated)", "cut.parquet", plain[: len(plain) // 2], 0,
                ("cannot read the file",), whole=True),
        Hostile("date 9999-12-31", "far.parquet", _own_parquet(far), 5,
                ("posted_date 9999-12-31 is more than 7 days",)),
        Hostile("date32 out of Python's range", "range.parquet",
                _own_date32(dated, 2, 100_000_000), 5, ("a value cannot be read",)),
        Hostile("not Parquet (CSV bytes)", "text.parquet", _csv(OWN_HEADER, [_own_row(1)]).encode(),
                0, ("cannot read the file",), whole=True),
    ]


def _own_date32(rows: list[dict], index: int, days: int) -> bytes:
    """Parquet with a date32 column whose value at index is days after 1970 (beyond year 9999)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows)
    values = table.column("Posted").cast(pa.int32()).to_pylist()
    values[index] = days
    table = table.set_column(2, "Posted", pa.array(values, pa.int32()).cast(pa.date32()))
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=2)
    return out.getvalue()


def own_jsonl_files() -> list[Hostile]:
    """Own JSON Lines: numbers that are no dates, a line that is not JSON, gzip bytes."""
    import gzip
    import json

    def lines(*middle: object) -> bytes:
        records = [dict(zip(OWN_HEADER, _own_row(n), strict=True)) for n in (1, 2)]
        after = [dict(zip(OWN_HEADER, _own_row(n), strict=True)) for n in (5, 6)]
        out = [json.dumps(r) for r in records]
        out += [m if isinstance(m, str) else json.dumps(m) for m in middle]
        return ("\n".join(out + [json.dumps(r) for r in after]) + "\n").encode()

    bad = dict(zip(OWN_HEADER, _own_row(3), strict=True))
    return [
        Hostile("date Infinity (JSON Lines)", "inf.jsonl",
                lines(json.dumps(dict(bad, Posted=float("inf")))), GOOD,
                ("is not a date (epoch seconds or ms out of range)",)),
        Hostile("date 1e20 (JSON Lines)", "big.jsonl", lines(dict(bad, Posted=1e20)), GOOD,
                ("is not a date (epoch seconds or ms out of range)",)),
        Hostile("line not JSON", "junk.jsonl", lines('{"id": 3, "Job Title": '), GOOD,
                ("not valid JSON",)),
        Hostile("record not an object", "list.jsonl", lines([1, 2]), GOOD,
                ("not a JSON object",)),
        Hostile("lone surrogate escapes (JSON Lines)", "surrogate.jsonl",
                lines(dict(bad, **{"Job Title": "Backend \udfff Engineer"}),
                      dict(bad, id=4, Where="Berlin \ud83d"), dict(bad, id="7\ud801")), GOOD,
                ("title='Backend \\udfff Engineer': a lone surrogate (U+DFFF at character 8)",
                 "location_raw='Berlin \\ud83d': a lone surrogate (U+D83D at character 7)",
                 "source_id='7\\ud801': a lone surrogate (U+D801 at character 1)")),
        Hostile("gzip bytes named .jsonl", "zipped.jsonl", gzip.compress(lines()), 0,
                ("holds NUL bytes",), whole=True, stored_reasons=("cannot read the file",)),
    ]


def own_more_files() -> list[Hostile]:
    """Own CSV: a duplicated header, a UTF-16 file, a header that lacks a mapped column."""
    good = [_own_row(n) for n in (1, 2, 5, 6)]
    return [
        Hostile("duplicated header name", "dup.csv",
                _csv([*OWN_HEADER, "Text"], [[*r, "x"] for r in good]).encode(), 0,
                ("more than once",), whole=True),
        Hostile("UTF-16 file", "utf16.csv", _utf16(OWN_HEADER, good), 0, (UTF16_NOTE,),
                whole=True, stored_reasons=("the file has no column",)),
        Hostile("header missing a mapped column", "nocol.csv",
                _csv(OWN_HEADER[:-1], [r[:-1] for r in good]).encode(), 0,
                ("the file has no column 'Where'",),
                whole=True),
    ]


# --- LinkedIn: the classes issue 12 added after the first suite ---------------------------------

def linkedin_more_files() -> list[Hostile]:
    """LinkedIn files: a late non-UTF-8 byte, a field over 128 KB, missing columns, UTF-16."""
    rows = [_li_row(n) for n in range(1, 201)]
    good = [_li_row(n) for n in (1, 2, 5, 6)]
    wide = [*_li_row(3)[:3], WIDE, *_li_row(3)[4:]]
    return [
        Hostile("non-UTF-8 byte after 8 KB", "late.csv", _late_byte(LI_HEADER, rows), 199,
                ("holds bytes that are not UTF-8",)),
        Hostile("field over 128 KB", "wide.csv",
                _with_row(LI_HEADER, good[:2], good[2:], middle=[wide]), GOOD + 1, ()),
        Hostile("header missing columns", "nocols.csv",
                _csv(LI_HEADER[1:], [r[1:] for r in good]).encode(), 0,
                ("columns job_id missing",), whole=True),
        Hostile("UTF-16 file", "utf16.csv", _utf16(LI_HEADER, good), 0, (UTF16_NOTE,),
                whole=True, stored_reasons=("not a LinkedIn postings.csv",)),
        Hostile("Parquet bytes named .csv", "binary.csv", _own_parquet(
            [dict(zip(LI_HEADER, r, strict=True)) for r in good]), 0,
                ("not a LinkedIn postings.csv",), whole=True),
    ]


# --- Adzuna: saved CSVs of search results and stored API pages -----------------------------------

AZ_HEADER = ["id", "title", "company", "created", "description", "location", "salary_min",
             "salary_max", "salary_is_predicted"]


def _az_row(n: int, created: str = "2026-01-16T10:44:51Z", description: str = "") -> list[str]:
    return [str(5_500_000_000 + n), "Backend Developer", f"{{'display_name': 'Firm {n}'}}",
            created, description or f"Python and Django APIs, post {n}.",
            "{'display_name': 'Austin, TX', 'area': ['US', 'Texas']}", "100000", "120000", "0"]


def adzuna_files() -> list[Hostile]:
    """Adzuna CSVs: short, long and quoted rows, bad and implausible dates, a broken repr, a
    duplicated header, a header without ids, a late non-UTF-8 byte, a long field, UTF-16."""
    good, after = [_az_row(n) for n in (1, 2)], [_az_row(n) for n in (5, 6)]

    def around(raw: str = "", *middle: list[str]) -> bytes:
        return _with_row(AZ_HEADER, good, after, raw, list(middle))

    return [
        Hostile("too few fields", "short.csv", around("3,Backend Developer\n"), GOOD,
                ("has 2 fields, the header has 9",)),
        Hostile("too many fields", "long.csv",
                around(",".join(_az_row(3)[:2]) + ",extra," + ",".join(
                    f'"{v}"' for v in _az_row(3)[2:]) + "\n"), GOOD,
                ("has 10 fields, the header has 9",)),
        Hostile("unbalanced quote", "quote.csv",
                around('5500000003,Backend Developer,"Firm 3,2026-01-16T10:44:51Z,Go,x,1,2,0\n'),
                3, ("fields, the header has 9",)),
        Hostile("created Infinity", "inf.csv", around("", _az_row(3, "Infinity")), GOOD,
                ("created 'Infinity' is not a date",)),
        Hostile("created 1e20", "big.csv", around("", _az_row(3, "1e20")), GOOD,
                ("created '1e20' is not a date",)),
        Hostile("created 9999-12-31", "far.csv", around("", _az_row(3, "9999-12-31T00:00:00Z")),
                GOOD, ("posted_date 9999-12-31 is more than 7 days",)),
        Hostile("created 0001-01-01", "old.csv", around("", _az_row(3, "0001-01-01T00:00:00Z")),
                GOOD, ("posted_date 0001-01-01 is before 1995-01-01",)),
        Hostile("broken nested repr", "repr.csv",
                around("", [*_az_row(3)[:2], "{'display_name': ", *_az_row(3)[3:]]), GOOD,
                ("is not a readable object",)),
        Hostile("field over 128 KB", "wide.csv", around("", _az_row(3, description=WIDE)),
                GOOD + 1, ()),
        Hostile("non-UTF-8 byte after 8 KB", "late.csv",
                _late_byte(AZ_HEADER, [_az_row(n) for n in range(1, 101)]), 99,
                ("holds bytes that are not UTF-8",)),
        Hostile("duplicated header name", "dup.csv",
                _csv([*AZ_HEADER, "title"], [[*r, "Other"] for r in good + after]).encode(), 0,
                ("the header names 'title' more than once",), whole=True),
        Hostile("header missing id", "noid.csv",
                _csv(AZ_HEADER[1:], [r[1:] for r in good + after]).encode(), 0,
                ("columns id missing",), whole=True),
        Hostile("UTF-16 file", "utf16.csv", _utf16(AZ_HEADER, good + after), 0, (UTF16_NOTE,),
                whole=True, stored_reasons=("not a CSV of Adzuna results",)),
    ]


def adzuna_pages() -> list[Hostile]:
    """Stored Adzuna API pages: cut short, results not a list, a result not an object, bad
    dates as JSON numbers."""
    import json

    def job(n: int, **changes) -> dict:
        row = dict(zip(AZ_HEADER, _az_row(n), strict=True))
        row.update(company={"display_name": f"Firm {n}"},
                   location={"display_name": "Austin, TX", "area": ["US"]}, **changes)
        return row

    def page(*middle) -> bytes:
        return json.dumps({"count": 9, "results": [job(1), job(2), *middle, job(5), job(6)]}
                          ).encode()

    return [
        Hostile("page cut short", "us-page-1.json", page()[:-30], 0, ("unreadable snapshot",),
                whole=True, stored=True),
        Hostile("results not a list", "us-page-2.json", b'{"results": {"a": 1}}', 0,
                ("results is not a list but dict",), whole=True, stored=True),
        Hostile("result not an object", "us-page-3.json", page(7, "x"), GOOD,
                ("not a JSON object",), stored=True),
        Hostile("created 1e20 (number)", "us-page-4.json", page(job(3, created=1e20)), GOOD,
                ("is not a date",), stored=True),
        Hostile("created 9999 (ISO)", "us-page-5.json",
                page(job(3, created="9999-12-31T00:00:00Z")), GOOD,
                ("posted_date 9999-12-31 is more than 7 days",), stored=True),
    ]


# --- Indeed Hiring Lab index -------------------------------------------------------------------

IX_HEADER = ["date", "jobcountry", "indeed_job_postings_index_SA",
             "indeed_job_postings_index_NSA", "variable"]


def _ix_row(day: int, date: str = "", value: str = "101.5") -> list[str]:
    return [date or f"2024-03-{day:02d}", "US", value, "99.0", "total postings"]


def indeed_files() -> list[Hostile]:
    """Index CSVs: short, long and quoted rows, dates and values that are not, a late byte,
    a long field, a duplicated header, a file that is not an index, UTF-16."""
    good, after = [_ix_row(1), _ix_row(2)], [_ix_row(5), _ix_row(6)]
    name = "aggregate_job_postings_US.csv"

    def around(raw: str = "", *middle: list[str]) -> bytes:
        return _with_row(IX_HEADER, good, after, raw, list(middle))

    wide = _ix_row(3)[:4] + [WIDE]
    return [
        Hostile("too few fields", "short_" + name, around("2024-03-03,US\n"), GOOD,
                ("has 2 fields, the header has 5",)),
        Hostile("too many fields", "long_" + name, around("2024-03-03,US,1,2,x,y\n"), GOOD,
                ("has 6 fields, the header has 5",)),
        Hostile("unbalanced quote", "quote_" + name, around('2024-03-03,"US,1,2,x\n'), 2,
                ("fields, the header has 5",)),
        Hostile("date Infinity", "inf_" + name, around("", _ix_row(3, "Infinity")), GOOD,
                ("unreadable date or index",)),
        Hostile("date 1e20", "big_" + name, around("", _ix_row(3, "1e20")), GOOD,
                ("unreadable date or index",)),
        Hostile("date 9999-12-31", "far_" + name, around("", _ix_row(3, "9999-12-31")), GOOD,
                ("date 9999-12-31 is outside the plausible range",)),
        Hostile("date 0001-01-01", "old_" + name, around("", _ix_row(3, "0001-01-01")), GOOD,
                ("date 0001-01-01 is outside the plausible range",)),
        Hostile("index NaN", "nan_" + name, around("", _ix_row(3, value="nan")), GOOD,
                ("index nan is not a non-negative number",)),
        Hostile("field over 128 KB", "wide_" + name, around("", wide), GOOD + 1, ()),
        Hostile("non-UTF-8 byte after 8 KB", "late_" + name,
                _late_byte(IX_HEADER, [_ix_row(1, f"2020-{m:02d}-{d:02d}")
                                       for m in range(1, 13) for d in range(1, 29)][:300]),
                299, ("holds bytes that are not UTF-8",)),
        Hostile("duplicated header name", "dup_" + name,
                _csv([*IX_HEADER, "variable"], [[*r, "x"] for r in good + after]).encode(), 0,
                ("the header names 'variable' more than once",), whole=True),
        Hostile("not an index file", "other.csv", _csv(["a", "b"], [["1", "2"]]).encode(), 0,
                ("not a Hiring Lab postings index file",), whole=True),
        Hostile("UTF-16 file", "utf16_" + name, _utf16(IX_HEADER, good + after), 0,
                (UTF16_NOTE,), whole=True,
                stored_reasons=("not a Hiring Lab postings index file",)),
    ]


# --- Stack Overflow survey (one year counts whole or not at all) --------------------------------

SURVEY_YEAR = 2022


def _sv_header() -> list[str]:
    from etl.sources.so_survey import GROUPS, column_maps

    columns = column_maps()[SURVEY_YEAR]
    return [columns[k] for k in ("respondent", "dev_type", "country", "comp_usd")] + [
        columns[g] for g in GROUPS]


def _sv_row(n: int, pay: str = "85000", respondent: str = "") -> list[str]:
    return [respondent or str(n), "Developer, back-end", "Germany", pay, "Python;Go",
            "PostgreSQL", "AWS", "Django"]


def survey_files() -> list[Hostile]:
    """Survey files: cut short, short and quoted rows, no header, missing and duplicated
    columns (each refuses the year whole); bad pay and ids, a late byte, a long field (rows)."""
    header = _sv_header()
    good, after = [_sv_row(1), _sv_row(2)], [_sv_row(5), _sv_row(6)]

    def around(raw: str = "", *middle: list[str]) -> bytes:
        return _with_row(header, good, after, raw, list(middle))

    whole_file = around()
    return [
        Hostile("too few fields", "short.csv", around("3,Developer\n"), 0,
                ("field count mismatch: row 4",), whole=True),
        Hostile("unbalanced quote", "quote.csv", around('3,"Developer, back-end,Germany\n'), 0,
                ("field count mismatch",), whole=True),
        Hostile("cut short (truncated)", "cut.csv", whole_file[:-25], 0, ("truncated",),
                whole=True),
        Hostile("no header row", "headerless.csv", whole_file.split(b"\n", 1)[1], 0,
                ("no header row",), whole=True),
        Hostile("header missing columns", "nocols.csv",
                _csv(header[1:], [r[1:] for r in good + after]).encode(), 0,
                ("expected columns ResponseId are missing",), whole=True),
        Hostile("duplicated header name", "dup.csv",
                _csv([*header, "Country"], [[*r, "France"] for r in good + after]).encode(), 0,
                ("the header names 'Country' more than once",), whole=True),
        Hostile("pay Infinity", "inf.csv", around("", _sv_row(3, "Infinity")), GOOD,
                ("is not a non-negative number",)),
        Hostile("pay negative", "neg.csv", around("", _sv_row(3, "-5")), GOOD,
                ("is not a non-negative number",)),
        Hostile("respondent id 1e20", "id.csv", around("", _sv_row(3, respondent="1e20")), GOOD,
                ("respondent id '1e20' is not a number",)),
        Hostile("field over 128 KB", "wide.csv", around("", [*_sv_row(3)[:4], WIDE,
                                                              *_sv_row(3)[5:]]), GOOD + 1, ()),
        Hostile("non-UTF-8 byte after 8 KB", "late.csv",
                _late_byte(header, [_sv_row(n) for n in range(1, 201)]), 199,
                ("holds bytes that are not UTF-8",)),
        Hostile("UTF-16 file", "utf16.csv", _utf16(header, good + after), 0, (UTF16_NOTE,),
                whole=True, stored_reasons=("expected columns",)),
    ]


# --- HN archive month files (JSON Lines, gzipped) ------------------------------------------------

def hn_archive_files() -> list[Hostile]:
    """Archive month files: a gzip stream cut short (the lines before the cut land), gzip bytes
    that are not a stream, a line that is not JSON."""
    import gzip
    import json
    import zlib

    records = [{"id": 40_000_000 + n, "author": "a", "ts": HN_TIME,
                "text": f"Acme {n} | Backend Engineer | Berlin | Python, PostgreSQL\n"
                        + f"We build APIs, post {n}. " * 30}
               for n in range(1, 201)]
    body = "".join(json.dumps(r) + "\n" for r in records).encode()
    packed = gzip.compress(body, mtime=0)
    cut = packed[: len(packed) // 2]
    inflated = zlib.decompressobj(31).decompress(cut)
    whole_lines = inflated.count(b"\n")
    junk = json.dumps(records[0]) + "\n{not json\n" + json.dumps(records[1]) + "\n"
    return [
        Hostile("gzip cut short", "2024-04.jsonl.gz", cut, whole_lines,
                (f"(after {whole_lines} rows, which are kept)",), stored=True),
        Hostile("gzip header, no stream", "2024-05.jsonl.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 60,
                0, ("cannot read the file",), whole=True, stored=True),
        Hostile("line not JSON", "2024-06.jsonl", junk.encode(), 2, ("not valid JSON",),
                stored=True),
    ]


# --- every source's files, and the runner the tests and the summary share ------------------------

def cases() -> dict[str, list[Hostile]]:
    """Every hostile file by source."""
    return {
        "linkedin": linkedin_files() + linkedin_more_files(),
        "own": own_files() + own_encoding_files() + own_parquet_files() + own_jsonl_files()
        + own_more_files(),
        "adzuna": adzuna_files() + adzuna_pages(),
        "indeed": indeed_files(),
        "so_survey": survey_files(),
        "hn": [dataclasses.replace(c, stored=True) for c in hn_files()] + hn_archive_files(),
    }


WHOLE_FILE = "(the whole file is left out)"  # etl.sources.base.WHOLE_FILE
LANDED_TABLE = {"indeed": "indeed_index", "so_survey": "survey_respondents"}
FETCH_DAY = "2026-03-02"


@dataclass
class Outcome:
    """What one hostile file came to: refused at ingest, or built (rows landed, quarantine)."""

    refused: list[str]  # ingest's errors (the file was not stored)
    landed: int = 0
    quarantine: list[dict] | None = None  # this source's quarantine rows: file, row, reason
    built: bool = False

    def whole(self) -> str:
        """How the file was refused whole: "at ingest", "at build" or ""."""
        if self.refused:
            return "at ingest"
        if self.built and self.landed == 0 and any(q["reason"].endswith(WHOLE_FILE)
                                                  for q in self.quarantine or []):
            return "at build"
        return ""


def _companion(source: str, root: Path) -> None:
    """Two good postings of another source, so every build has postings besides the hostile
    file (a build of nothing stops with "no postings found")."""
    from radar import admin

    path = root / "companion" / ("postings.csv" if source != "linkedin" else "mine.csv")
    path.parent.mkdir(parents=True)
    if source == "linkedin":
        path.write_text(_csv(OWN_HEADER, [_own_row(91), _own_row(92)]))
        argv = admin.upload_argv("own", path, column_map=OWN_MAP)
    else:
        path.write_text(_csv(LI_HEADER, [_li_row(91), _li_row(92)]))
        argv = admin.upload_argv("linkedin", path)
    report = admin.run_ingest(argv, root / "raw", lambda *a: None)
    assert report.files_written, report.errors


def store(source: str, case: Hostile, raw: Path) -> Path:
    """Write a hostile file straight into the source's raw folder, as a stored file would be."""
    folder = raw / source / FETCH_DAY
    if source == "so_survey":
        folder = folder / str(SURVEY_YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.name
    path.write_bytes(case.data)
    if source == "own":
        from etl.sources.own_file import MAP_SUFFIX, map_toml, parse_map_flags
        flags = [p.strip() for p in OWN_MAP.split(",")]
        path.with_name(path.name + MAP_SUFFIX).write_text(map_toml(parse_map_flags(flags)))
    return path


def run_case(source: str, case: Hostile, root: Path, upload: bool = True) -> Outcome:
    """Ingest the file as a user would (or store it, for files no upload takes) and build."""
    import pyarrow.parquet as pq

    from etl.warehouse.build import build
    from radar import admin

    raw, warehouse = root / "raw", root / "warehouse"
    _companion(source, root)
    if upload and not case.stored:
        path = root / "in" / case.name
        path.parent.mkdir(parents=True)
        path.write_bytes(case.data)
        argv = admin.upload_argv(source, path, year=SURVEY_YEAR, column_map=OWN_MAP)
        report = admin.run_ingest(argv, raw, lambda *a: None)
        if not report.files_written:
            return Outcome(refused=report.errors)
    else:
        store(source, case, raw)
    build(raw, warehouse, log=lambda m: None)
    from etl.warehouse.schema import read_table
    table = read_table(warehouse, LANDED_TABLE.get(source, "postings"))
    landed = table.num_rows if source in LANDED_TABLE else sum(
        1 for s in table.column("source").to_pylist() if s == source)
    quarantine = [q for q in pq.read_table(warehouse / "quarantine.parquet").to_pylist()
                  if q["source"] == source]
    return Outcome(refused=[], landed=landed, quarantine=quarantine, built=True)


def summary() -> str:
    """A table of every hostile file tried per source and what became of it (Markdown)."""
    import tempfile

    lines = ["| source | class (how it arrived) | landed rows | quarantined rows | "
             "whole file refused |", "|---|---|---|---|---|"]
    totals: dict[str, int] = {}
    for source, found in cases().items():
        for case in found:
            ways = [True, False] if case.whole and not case.stored else [not case.stored]
            for upload in ways:
                with tempfile.TemporaryDirectory() as tmp:
                    out = run_case(source, case, Path(tmp), upload=upload)
                totals[source] = totals.get(source, 0) + 1
                how = "uploaded" if upload else "stored"
                lines.append(f"| {source} | {case.klass} ({how}) | {out.landed} | "
                             f"{len(out.quarantine or [])} | {out.whole() or 'no'} |")
    lines += ["", "| source | hostile files tried |", "|---|---|"]
    lines += [f"| {s} | {n} |" for s, n in totals.items()]
    lines.append(f"| all | {sum(totals.values())} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    if "--summary" not in sys.argv[1:]:
        raise SystemExit("usage: python -m tests.hostile --summary")
    print(summary())
