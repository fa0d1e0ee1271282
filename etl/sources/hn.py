"""HN "Ask HN: Who is hiring?" threads: monthly threads of the whoishiring account, since 2011.

Fetch: the Algolia search API lists the account's stories; only the monthly "Ask HN: Who is
hiring? (Month YYYY)" threads are kept (not "Who wants to be hired?", "Freelancer?" or other
posts). Each thread is fetched whole with the Algolia items API and stored unmodified as
item_<id>.json. --from-dir copies saved files instead (Algolia items, Firebase-style runs
``{"jobs": [...]}``, or the open hacker-job archive's month files ``YYYY-MM.jsonl[.gz]``: JSON
Lines of ``{id, author, ts, text}`` with plain text). A thread already stored is not fetched
again, unless its stored copy was fetched while the thread was still open (within 31 days of its
creation).

Read: the top-level comments of each thread are the postings (deleted and dead ones skipped);
the header line "Company | Role | Location | REMOTE | salary | ..." gives title, company,
location, remote, employment type and salary text. The archive's own extracted fields (company,
roles, salary, tech_stack, ... made by its LLM) are a third party's estimates and are not read:
every column comes from the text, as for the other files.

The month rule: a posting counts in the month of its thread (an archive file's month, or the
thread title's month); the rare comment dated outside its thread's month gets the nearest day of
that month as ``posted_date``.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import gzip
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick_rs

from etl.http import FetchError, HttpClient
from etl.ingest import IngestReport, Progress, copy_files, no_progress, write_bytes
from etl.paths import ETL_DATA
from etl.sources.base import FileSource, Lines, RecordProblem, line_pieces
from etl.text import html_to_text
from etl.transforms.normalize import names_a_place
from etl.transforms.requirements import other_role_before

ALGOLIA_URL = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
HEADER_WORDS = ETL_DATA / "hn_header.toml"
OPEN_THREAD_DAYS = 31
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
HIRING_TITLE = re.compile(
    r"^\s*ask hn:\s*who is hiring\?\s*\((?P<month>[a-z]+)\s+(?P<year>\d{4})\)\s*$", re.IGNORECASE)
ITEM_FILE_ID = re.compile(r"item_(\d+)")
ARCHIVE_FILE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})\b.*\.jsonl(?:\.gz)?$")
READABLE = (".json", ".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class HnSource(FileSource):
    """The HN "Who is hiring" loader: every stored thread and run, newest file first, so the
    latest copy of an HN item wins."""

    name: str = "hn"
    title: str = 'Hacker News "Ask HN: Who is hiring?"'
    kind: str = "postings"
    licence: str = ("Hacker News content via the HN Algolia API (hn.algolia.com) and the HN "
                    "Firebase API; posting texts belong to their authors. Firebase-style runs "
                    "come from a third-party pipeline (MIT).")
    suffixes: tuple[str, ...] = READABLE

    def read_records(self, path: Path) -> Iterator[tuple[str, dict | RecordProblem]]:
        """(item, staging row) of one stored thread, run or archive month file."""
        return _read_archive(path) if ".jsonl" in path.name else _read_file(path)

    def read_pieces(self, path: Path, size: int) -> Iterator[object]:
        """An archive month file in runs of raw lines (parsed in the build's workers); a thread
        or run (one JSON document) as read_records's records."""
        if ".jsonl" not in path.name:
            return super().read_pieces(path, size)
        return self._archive_pieces(path, size)

    def _archive_pieces(self, path: Path, size: int) -> Iterator[Lines]:
        with _open_text(path) as handle:
            yield from line_pieces(handle, size)

    def piece_records(self, piece: object, path: Path) -> Iterable[tuple[str, object]]:
        """(item, staging row or problem) of a run of an archive file's lines, or the records
        of a thread or run."""
        if isinstance(piece, Lines):
            return _archive_records(piece.numbered(), _archive_month(path))
        return piece

    def make_row(self, raw: dict, path: Path) -> dict:
        """The reader made the row already (the header line needs the whole comment)."""
        return raw


SOURCE = HnSource()


# --- reading -----------------------------------------------------------------------------------

def _read_file(path: Path) -> Iterator[tuple[str, dict | RecordProblem]]:
    """(item, staging row or problem) of one stored file (Algolia item or Firebase run)."""
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as err:
        raise RecordProblem(f"not valid JSON ({err})") from err
    if isinstance(doc, dict) and isinstance(doc.get("jobs"), list):
        for number, job in enumerate(doc["jobs"], start=1):
            problem = _item_problem(job)
            if problem:
                yield f"jobs[{number - 1}]", RecordProblem(problem, raw=job)
                continue
            yield str(job.get("id", "-")), _posting(job, _html_text(job.get("text")),
                                                    job.get("time"),
                                                    direct=job.get("source") == "direct")
    elif isinstance(doc, dict) and doc.get("type") == "story" and "children" in doc:
        if not HIRING_TITLE.match(doc.get("title") or ""):
            raise RecordProblem(f"not a 'Who is hiring' thread: {doc.get('title')!r}",
                                row=str(doc.get("id", "-")))
        month = thread_month(doc)
        for number, child in enumerate(doc["children"] or [], start=1):
            problem = _item_problem(child)
            if problem:
                yield f"children[{number - 1}]", RecordProblem(problem, raw=child)
                continue
            if child.get("deleted") or child.get("dead") or child.get("text") is None:
                continue  # deleted or dead comment: not a posting
            yield str(child.get("id", "-")), _posting(child, _html_text(child["text"]),
                                                      child.get("created_at_i"), month=month)
    else:
        raise RecordProblem("neither an Algolia item (story with children) nor a run of jobs "
                            "({\"jobs\": [...]})")


def _item_problem(item: object) -> str | None:
    """Why a job or comment of a stored run cannot be read (not an object, text not a string)."""
    if not isinstance(item, dict):
        return f"not an object but {type(item).__name__}"
    text = item.get("text")
    if text is not None and not isinstance(text, str):
        return f"text is not a string but {type(text).__name__}"
    return None


def _read_archive(path: Path) -> Iterator[tuple[str, dict | RecordProblem]]:
    """(line, staging row or problem) of one archive month file (JSON Lines, gzipped or not);
    a file that cannot be read (a broken gzip stream) raises, from the line it stops at."""
    with _open_text(path) as handle:
        yield from _archive_records(enumerate(handle, start=1), _archive_month(path))


def _archive_month(path: Path) -> tuple[int, int] | None:
    """The (year, month) an archive file's name gives, None when it gives none."""
    name = ARCHIVE_FILE.match(path.name)
    return (int(name["year"]), int(name["month"])) if name else None


def _archive_records(lines: Iterable[tuple[int, str]], month: tuple[int, int] | None
                     ) -> Iterator[tuple[str, dict | RecordProblem]]:
    """(line, staging row or problem) of numbered lines of an archive month file."""
    for line_no, line in lines:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as err:
            yield str(line_no), RecordProblem(f"not valid JSON ({err})", raw=line)
            continue
        if not isinstance(item, dict) or "id" not in item:
            yield str(line_no), RecordProblem("not a posting (no id)", raw=line)
            continue
        text = item.get("text")
        yield str(line_no), _posting(item, _plain_text(text) if isinstance(text, str)
                                     else None, item.get("ts"), month=month)


def _open_text(path: Path):
    """A text handle on a file, gunzipped when it starts with the gzip magic bytes."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _html_text(html: str | None) -> str:
    """Plain text of an HN comment's HTML."""
    # some 2011 comments carry the two characters "\\n" where a line break was meant
    return html_to_text(html.replace("\\n", "\n") if html else html)


def _plain_text(text: str) -> str:
    """An archive posting's plain text with trailing spaces and outer blank lines removed."""
    text = unicodedata.normalize("NFKC", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def in_month(day: dt.date, month: tuple[int, int] | None) -> dt.date:
    """The day itself when it falls in the month, else the nearest day of that month."""
    if month is None or (day.year, day.month) == month:
        return day
    first = dt.date(month[0], month[1], 1)
    last = first.replace(day=calendar.monthrange(*month)[1])
    return min(max(day, first), last)


def _posting(item: dict, text: str | None, epoch_s: int | None, direct: bool = False,
             month: tuple[int, int] | None = None) -> dict | RecordProblem:
    """One staging row from an HN comment or job story, or why it cannot be one."""
    item_id = str(item.get("id", "-"))
    if not text:
        return RecordProblem("empty text", row=item_id, raw=item)
    if not isinstance(epoch_s, int | float) or isinstance(epoch_s, bool):
        return RecordProblem("no time", row=item_id, raw=item)
    try:
        day = dt.datetime.fromtimestamp(epoch_s, dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        return RecordProblem(f"time {epoch_s!r} is not a date", row=item_id, raw=item)
    row = parse_header(text.split("\n", 1)[0], text)
    row.update(
        source_id=item_id,
        posted_date=in_month(day, month),
        description=text,
        url=ITEM_URL.format(item_id),
    )
    if direct and not row.get("company"):
        row.pop("company", None)
    return row


@cache
def _words() -> dict:
    with open(HEADER_WORDS, "rb") as handle:
        return tomllib.load(handle)


def _pattern(words: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


class _Words:
    """A word list's pattern (whole words, any letter case), tried only on text that can match
    it: in an ASCII text the pattern matches only where one of the words stands in lower case
    (IGNORECASE folds ASCII letters one for one), and most header parts hold none of a list's
    words; any other text goes to the pattern (speed only)."""

    def __init__(self, words: list[str]) -> None:
        self.pattern = _pattern(words)
        self._finder = ahocorasick_rs.AhoCorasick([w.lower() for w in words])

    def _may_match(self, text: str) -> bool:
        return not text.isascii() or bool(self._finder.find_matches_as_indexes(text.lower()))

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text) if self._may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match]:
        return self.pattern.finditer(text) if self._may_match(text) else iter(())

    def sub(self, replacement: str, text: str) -> str:
        return self.pattern.sub(replacement, text) if self._may_match(text) else text


@cache
def _patterns() -> dict[str, _Words]:
    words = _words()
    found = {"role": _Words(words["role_words"]), "place": _Words(words["places"]["names"]),
             "no_remote": _Words(words["workplace"]["no_remote"])}
    for kind in ("remote", "hybrid", "onsite", "temporary", "partial_remote", "not_hybrid"):
        found[kind] = _Words(words["workplace"][kind])
    for kind, kind_words in words["employment"].items():
        found["emp_" + kind] = _Words(kind_words)
    return found


_URL = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?:/\S*)?$",
                  re.IGNORECASE)
_CITY_STATE = re.compile(r"\b[A-Z][A-Za-z .'-]+,\s*[A-Z]{2}\b")
# An amount of money: a currency sign and a figure; 2-3 digits (and thousands) with k; a figure
# and a currency code; a code and a figure; lakhs per annum. Written to open with one set of
# first characters (a sign, a digit, or a code's first letter), which Python's regex engine
# skips to in C; an alternative opening with \b would be tried at every character of the line
# (4x the time on the archive's lines with a digit). Each \b is a lookbehind after the first
# character instead ((?<!\w\d): no word character before the digit), and the alternatives keep
# their order where more than one can start at a character, so every match is the one
#   [$€£¥₹]\s?\d[\d,.]*\s?[kK]?|\b\d{2,3}(?:[.,]\d{3})?\s?[kK]\b|
#   \b\d[\d,.]*\s?(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|INR|k€|k£)\b|
#   \b(?:USD|EUR|GBP|CAD|AUD|CHF)\s?\d|\b\d+(?:\.\d+)?\s?LPA\b
# finds (tests/test_source_hn.py: MONEY_AS_WRITTEN).
_MONEY = re.compile(
    r"[$€£¥₹\dUEGCA]"
    r"(?:(?<=[$€£¥₹])\s?\d[\d,.]*\s?[kK]?"
    r"|(?<!\w\d)(?<=\d)(?:\d{1,2}(?:[.,]\d{3})?\s?[kK]\b"
    r"|[\d,.]*\s?(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|INR|k€|k£)\b"
    r"|\d*(?:\.\d+)?\s?LPA\b)"
    r"|(?<!\w\w)(?:(?<=U)SD|(?<=E)UR|(?<=G)BP|(?<=C)AD|(?<=A)UD|(?<=C)HF)\s?\d)")
_NOT_PAY = re.compile(r"\s?(?:[mMbB]\b|mm\b|million|billion|bn\b)")
_FOUR01K = re.compile(r"\b401\s?\(?k\)?", re.IGNORECASE)
_HIRING = re.compile(r"^(?P<company>.+?)\s+(?:is|are)\s+hiring\b(?:\s+(?:an?|the|for)\b)?\s*"
                     r"(?P<rest>.*)$", re.IGNORECASE)
# a company's own address written after its name: "Covariant (https://covariant.ai/)",
# "SkyPicker - https://www.skypicker.com", "Acme [www.acme.io]"
_NAME_URL = re.compile(r"\s*(?:[-–—:,]\s*|[(\[]\s*)?(?:https?://|www\.)[^\s)\]]*\s*[)\]]?\s*$",
                       re.IGNORECASE)
_YC_TAG = re.compile(r"\s*\((?:YC|Y Combinator)\b[^)]*\)", re.IGNORECASE)
_SPLIT_PIPES = re.compile(r"\s*\|\s*")
_SPLIT_OTHER = re.compile(r"\s+[-–—]{1,2}\s+|:\s+|\s+\|\s+")
_MONEY_RANGE = re.compile(r"(\d[\d,.]*\s?[kK]?)\s+[-–—]\s+([$€£]?\s?\d)")
_LABEL = re.compile(r"^(?:location|where|company)\s*:\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


_PAY_WORDS = re.compile(r"\b(?:salary|salaries|comp|compensation|pay|paid|base|range|ote|"
                        r"per (?:year|annum|month|hour)|annual|yearly|/yr|/year|/hr)\b",
                        re.IGNORECASE)
_BARE_K = re.compile(r"^\d")
_DIGIT = re.compile(r"\d")


def has_pay(text: str, strict: bool = False) -> bool:
    """True when text names an amount of money that reads as pay (not 401k, not $5M raised).

    ``strict`` (for body text): a bare figure like "300K" counts only beside a word of pay.
    """
    if not _DIGIT.search(text):
        return False  # every form of _MONEY holds a digit (speed only)
    if "401" in text:
        text = _FOUR01K.sub("", text)
    for match in _MONEY.finditer(text):
        if _NOT_PAY.match(text, match.end()):
            continue
        if strict and _BARE_K.match(match[0]) and not _PAY_WORDS.search(text):
            continue
        return True
    return False


@lru_cache(maxsize=65_536)  # segments repeat across postings ("Full-time", "Remote")
def segment_kind(segment: str) -> str:
    """What one header segment is: url, salary, workplace, employment, location, role or other."""
    p = _patterns()
    if _URL.match(segment):
        return "url"
    if has_pay(segment):
        return "salary"
    emp_left = segment
    for kind in ("full_time", "part_time", "contract", "internship"):
        emp_left = p["emp_" + kind].sub("", emp_left)
    if emp_left != segment and not re.sub(r"\b(?:or|and|with|to|w)\b|[\W\d_]", "", emp_left,
                                          flags=re.IGNORECASE):
        return "employment"
    if p["role"].search(segment):
        return "role"
    if any(p[k].search(segment) for k in ("remote", "hybrid", "onsite", "no_remote")):
        return "workplace"
    if (_CITY_STATE.search(segment) or p["place"].search(segment)
            or names_a_place(segment)):
        return "location"
    return "other"


_HYBRID_WFH = re.compile(r"\bhybrid\b[^|]{0,30}?\b(?:wfh|work from home)\b", re.IGNORECASE)
_PARTS = re.compile(r"\s*[|()\[\]]\s*|\s+/\s+")
_PART_MARKS = "|()[]/"  # one is in every match of _PARTS
_DAYS_AWAY = re.compile(
    r"\b(?:\d|one|two|three|four)(?:\s*-\s*\d)?\s*(?:days?|x)\s*(?:a|per|/)?\s*(?:week|wk)\b"
    r"|\b(?:\d|one|two|three|four)\s*days?\s+(?:remote|wfh|in[- ]office|on-?site)\b", re.IGNORECASE)


def _may_match(text: str, words: tuple[str, ...]) -> bool:
    """Whether text can match a pattern of which every match holds, or is followed by, one of
    words (lower case) in any letter case: in an ASCII text, where IGNORECASE folds letters one
    for one, only when its lower case holds one; any other text is always tried. These header
    patterns open with \b or a lookbehind, so they are tried at every character of a header
    that holds none of their words (speed only; tests/test_source_hn.py checks the words)."""
    if not text.isascii():
        return True
    lower = text.lower()
    return any(word in lower for word in words)


# the words of each pattern that open with \b or a lookbehind, one of which every match holds
# (_NOT_A_TYPE's first branch: "contract" right after it)
MATCH_WORDS = {"hybrid_wfh": ("hybrid",), "days_away": ("day", "week", "wk"),
               "hiring": ("hiring",),
               "not_a_type": ("contract", "option", "potential", "possibility", "path", "intern")}


def _days_away(text: str) -> re.Match | None:
    """_DAYS_AWAY.search(text), tried only where it can match."""
    return _DAYS_AWAY.search(text) if _may_match(text, MATCH_WORDS["days_away"]) else None


def _parts(header: str) -> list[str]:
    """The header's non-blank parts between "|", brackets and " / " (split only where one is)."""
    parts = _PARTS.split(header) if any(mark in header for mark in _PART_MARKS) else [header]
    return [part for part in parts if part.strip()]


def workplace(header: str) -> str | None:
    """remote / hybrid / onsite from a header line, or None when it does not say.

    A job that may be done remotely is "remote" even when an office is offered too; remote only
    for a while (COVID, "currently") counts as onsite; remote for part of the week is hybrid.
    """
    p = _patterns()
    header = p["not_hybrid"].sub(" ", header)
    if _may_match(header, MATCH_WORDS["hybrid_wfh"]):
        header = _HYBRID_WFH.sub("hybrid", header)  # "Hybrid (mostly WFH)" is hybrid
    if p["no_remote"].search(header):
        return "hybrid" if p["hybrid"].search(header) or _days_away(header) else "onsite"
    parts = _parts(header)
    temporary = [part for part in parts
                 if p["temporary"].search(part) and p["remote"].search(part)]
    lasting = " | ".join(part for part in parts if part not in temporary)
    partial = p["partial_remote"].search(lasting) or _days_away(lasting)
    rest = p["partial_remote"].sub(" ", lasting)
    if p["remote"].search(rest):
        return "remote"
    if partial or p["hybrid"].search(rest):
        return "hybrid"
    if p["onsite"].search(rest) or temporary:
        return "onsite"
    return None


# hours of a contract ("Full-time Contract", "Part-Time Remote Contract"), a future ("Freelance
# with option for FTE"), a smart contract, interns accepted beside the tags VISA / REMOTE /
# ONSITE or "intern ok": none of them names the posting's type
_NOT_A_TYPE = re.compile(
    r"(?<![\w-])(?:full|part)[- ]?time\s*(?:remote\s+)?\(?\s*(?=contract)"
    r"|\b(?:option|potential|possibility|path)\s+(?:for|to|of)\s+(?:an?\s+)?(?:fte|full[- ]?time)"
    r"|\bsmart[- ]contracts?\b"
    r"|(?:\bvisa|\bremote|\bonsite|\bon-site|\bh-?1b)[\s,/&+]*interns?\b"
    r"|\binterns?(?=[\s,/&+]*(?:visa|remote|onsite|on-site|h-?1b)\b)"
    r"|\binterns?\s+(?:ok|okay|welcome|encouraged)\b", re.IGNORECASE)
_PART_EDGE = re.compile(r"[|()\[\]]")


def _part_around(header: str, start: int, end: int) -> str:
    """The "|"- or bracket-delimited part of a header line around [start, end)."""
    left = max((m.end() for m in _PART_EDGE.finditer(header, 0, start)), default=0)
    right = next((m.start() for m in _PART_EDGE.finditer(header, end)), len(header))
    return header[left:right].strip()


def _names(header: str, kind: str) -> bool:
    """Whether a header line names an employment type; "PT" counts as part-time only in a part
    made of employment words ("FT/PT", "| PT |"), not as a time zone ("PT through ET") or a
    country ("Lisbon, PT")."""
    for m in _patterns()["emp_" + kind].finditer(header):
        if m.group(0).lower() != "pt" or \
                segment_kind(_part_around(header, m.start(), m.end())) == "employment":
            return True
    return False


def employment_type(header: str) -> str | None:
    """full_time / part_time / contract / internship named in a header line, else None.

    Full-time wins when several are named; "Full-time Contract" is a contract (full-time
    hours); "VISA, REMOTE, INTERNS" and "intern ok" say who may apply; interns beside another
    role named first ("Backend Engineer | VISA, INTERNS") are one
    of several roles, not the posting's type: None, and the body decides
    (docs/requirements.md)."""
    if _may_match(header, MATCH_WORDS["not_a_type"]):
        header = _NOT_A_TYPE.sub(" ", header)
    found = [k for k in ("full_time", "part_time", "contract", "internship") if _names(header, k)]
    if not found:
        return None
    if found == ["internship"]:
        first = _patterns()["emp_internship"].search(header)
        if first and other_role_before(header, first.start()):
            return None
    return "full_time" if "full_time" in found else found[0]


def salary_sentence(text: str, limit: int = 300) -> str | None:
    """The first line or sentence of a posting that names pay, or None."""
    for line in text.splitlines():
        if not has_pay(line, strict=True):
            continue
        for sentence in _SENTENCE.split(line):
            if has_pay(sentence, strict=True):
                return sentence.strip()[:limit]
    return None


def parse_header(header: str, text: str = "") -> dict:
    """Title, company, location_raw, remote, employment_type and salary_text of a posting.

    ``header`` is its first line ("Company | Role | Location | REMOTE | $150k | Full-time");
    ``text`` the whole posting, searched for a title or pay when the header has none.
    """
    header = _LABEL.sub("", header.strip())
    company = None
    rest = header
    hiring = _HIRING.match(header) if _may_match(header, MATCH_WORDS["hiring"]) else None
    if hiring and "|" not in header:
        company, rest = _YC_TAG.sub("", hiring["company"]).strip(" :-"), hiring["rest"]
    splitter = _SPLIT_PIPES if "|" in rest else _SPLIT_OTHER
    if splitter is _SPLIT_OTHER:
        rest = _MONEY_RANGE.sub(r"\1-\2", rest)  # "70k - 130k" is one segment
    segments = [s.strip(" \t-–—:,.") for s in splitter.split(rest)]
    segments = [s for s in segments if s]
    kinds = [segment_kind(s) for s in segments]
    roles = [i for i, k in enumerate(kinds) if k == "role"]
    if company is None and segments and (
            (kinds[0] == "other" and (splitter is _SPLIT_PIPES or _short(segments[0])))
            or (kinds[0] == "url" and not segments[0].lower().startswith(("http", "www."))
                and len(segments) > 1)
            or (kinds[0] == "role" and len(roles) > 1 and len(segments) > 2)):
        company = _YC_TAG.sub("", segments[0]).strip() or None
        roles = [i for i in roles if i != 0]
    elif company is None and splitter is _SPLIT_OTHER and len(segments) > 1:
        # old style "City, ST - Role - Company": a short unclassified segment names the company
        company = next((s for s, k in zip(segments, kinds, strict=True)
                        if k == "other" and _short(s)), None)
    others = [s for s, k in zip(segments, kinds, strict=True) if k == "other" and s != company]
    title = (segments[roles[0]] if roles else _title_from_text(text)
             or (others[0] if others else header))
    locations = [s for s, k in zip(segments, kinds, strict=True) if k == "location"]
    located_workplace = [s for s, k in zip(segments, kinds, strict=True)
                         if k == "workplace" and (_patterns()["place"].search(s)
                                                  or _CITY_STATE.search(s) or "(" in s)]
    pay = [s for s, k in zip(segments, kinds, strict=True) if k == "salary"]
    location = _location((locations or located_workplace or [None])[0])
    row = {"title": title[:200], "company": company_name(company),
           "location_raw": location or _location_below(text),
           "remote": workplace(header), "employment_type": employment_type(header),
           "salary_text": pay[0] if pay else salary_sentence(text)}
    return {k: v for k, v in row.items() if v is not None}


def company_name(company: str | None) -> str | None:
    """A company as the header names it, without its web address after the name; the address
    itself when the name is nothing else ("https://acme.io", "### http://acme.com")."""
    if not company or ("http" not in company and "www." not in company.lower()):
        return company
    name = _NAME_URL.sub("", company)
    return name if any(ch.isalnum() for ch in name) else company


def _location(segment: str | None, limit: int = 100) -> str | None:
    """A location segment without a leading "in"; None when too long to be a place."""
    if not segment:
        return None
    segment = re.sub(r"^in\s+", "", segment, flags=re.IGNORECASE)
    return segment if len(segment) <= limit else None


_LOCATION_LINE = re.compile(r"^\s*(?:location|where|based in|office)\s*:\s*(?P<place>.+)$",
                            re.IGNORECASE)


def _location_below(text: str, lines: int = 4, longest: int = 120) -> str | None:
    """A location on the short lines right after the header ("Acme\n\nBerlin, Germany | Onsite"
    or "Location: Boston"), as older postings put it; None when none names a place."""
    below = [line.strip() for line in text.splitlines()[1:] if line.strip()][:lines]
    for line in below:
        labelled = _LOCATION_LINE.match(line)
        if labelled:
            return _location(_SPLIT_OTHER.split(labelled["place"].split("|")[0])[0].strip(" .;"))
        if len(line) > longest:
            continue
        splitter = _SPLIT_PIPES if "|" in line else _SPLIT_OTHER
        for segment in splitter.split(line):
            segment = segment.strip(" \t-–—:,.")
            if segment and segment_kind(segment) == "location":
                return _location(segment)
    return None


def _short(segment: str) -> bool:
    """A segment short enough to be a company name."""
    return len(segment) <= 40 and len(segment.split()) <= 4


def _title_from_text(text: str, lines: int = 5) -> str | None:
    """The first sentence after the header line that names a job, as a fallback title."""
    role = _patterns()["role"]
    for line in text.splitlines()[1:lines + 1]:
        for sentence in _SENTENCE.split(line):
            if role.search(sentence):
                return sentence.strip()[:120]
    return None


# --- ingest ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl ingest hn``."""
    parser.add_argument("--since", type=_month, default=None, metavar="YYYY-MM",
                        help="first thread month to fetch (threads exist from 2011-04)")
    parser.add_argument("--until", type=_month, default=None, metavar="YYYY-MM",
                        help="last thread month to fetch (default: the latest)")
    parser.add_argument("--from-dir", type=Path, default=None, metavar="PATH",
                        help="ingest offline: copy the Algolia item and Firebase run JSON files "
                             "and the archive month files (YYYY-MM.jsonl[.gz]) of this folder "
                             "(e.g. ../shared/data/hn_archive) instead of fetching")
    parser.add_argument("--base-url", default=ALGOLIA_URL,
                        help="Algolia API root (default: %(default)s)")
    parser.add_argument("--hits-per-page", type=int, default=100,
                        help="search results per page (default: %(default)s)")
    parser.add_argument("--delay", type=float, default=1.0, dest="delay_s",
                        help="seconds between requests (default: %(default)s)")


def _month(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise argparse.ArgumentTypeError(f"{value!r} is not a month like 2011-04")
    return int(match[1]), int(match[2])


def thread_month(hit: dict) -> tuple[int, int] | None:
    """(year, month) of a monthly "Who is hiring?" thread from its title; None for other posts."""
    match = HIRING_TITLE.match(hit.get("title") or "")
    if not match or match["month"].lower() not in MONTHS:
        return None
    return int(match["year"]), MONTHS[match["month"].lower()]


def ingest(raw_dir: Path, *, since: tuple[int, int] | str | None = None,
           until: tuple[int, int] | str | None = None, from_dir: Path | None = None,
           base_url: str = ALGOLIA_URL, hits_per_page: int = 100, delay_s: float = 1.0,
           client: HttpClient | None = None, fetch_date: dt.date | None = None,
           progress: Progress = no_progress, **_: object) -> IngestReport:
    """Fetch the monthly threads in [since, until] not yet stored (or copy --from-dir files)."""
    report = IngestReport("hn")
    raw_dir = Path(raw_dir)
    if from_dir is not None:
        return _copy_from_dir(Path(from_dir), raw_dir, report, fetch_date, progress)
    since = _month(since) if isinstance(since, str) else since
    until = _month(until) if isinstance(until, str) else until
    client = client or HttpClient(delay_s=delay_s)
    threads = _list_threads(client, base_url.rstrip("/"), since, until, hits_per_page, report,
                            progress)
    stored = stored_threads(raw_dir)
    today = fetch_date or dt.date.today()
    todo = []
    for hit in threads:
        created = dt.datetime.fromtimestamp(hit["created_at_i"], dt.UTC).date()
        fetched = stored.get(str(hit["objectID"]))
        if fetched is not None and (fetched - created).days > OPEN_THREAD_DAYS:
            report.skipped += 1
            progress(0, len(threads), f"{hit['title']}: already stored, skipped")
        else:
            todo.append(hit)
    for done, hit in enumerate(todo, start=1):
        url = f"{base_url.rstrip('/')}/items/{hit['objectID']}"
        try:
            body = client.get_bytes(url)
            json.loads(body)  # stored unmodified, but only when it is whole JSON
        except FetchError as err:
            report.errors.append(f"{hit['title']}: {err}")
            progress(done, len(todo), f"{hit['title']}: failed ({err.problem})")
            continue
        except (ValueError, UnicodeDecodeError) as err:
            report.errors.append(f"{hit['title']}: {url}: malformed JSON ({err})")
            progress(done, len(todo), f"{hit['title']}: malformed JSON")
            continue
        write_bytes(raw_dir, f"item_{hit['objectID']}.json", body, report, today)
        progress(done, len(todo), f"{hit['title']}: stored")
    return report


def _list_threads(client: HttpClient, base_url: str, since, until, hits_per_page: int,
                  report: IngestReport, progress: Progress) -> list[dict]:
    """Search hits of the monthly threads in [since, until], newest first."""
    found, page, pages = [], 0, 1
    while page < pages:
        params = {"tags": "story,author_whoishiring", "hitsPerPage": hits_per_page, "page": page}
        if since:
            first = dt.datetime(since[0], since[1], 1, tzinfo=dt.UTC) - dt.timedelta(days=7)
            params["numericFilters"] = f"created_at_i>={int(first.timestamp())}"
        try:
            result = client.get_json(f"{base_url}/search_by_date", params)
            hits, pages = result["hits"], int(result.get("nbPages", 0))
        except FetchError as err:
            report.errors.append(f"thread list page {page}: {err}")
            break
        except (KeyError, TypeError, ValueError) as err:
            report.errors.append(f"thread list page {page}: unexpected response ({err!r})")
            break
        progress(page + 1, max(pages, 1), f"thread list page {page + 1} of {pages}")
        months = [(h, thread_month(h)) for h in hits]
        found += [h for h, m in months if m and (not since or m >= since)
                  and (not until or m <= until)]
        dated = [m for _, m in months if m]
        if not hits or (since and dated and max(dated) < since):
            break  # newest first: everything further is older than --since
        page += 1
    return found


def stored_threads(raw_dir: Path) -> dict[str, dt.date]:
    """Item ids of the stored Algolia threads, with the latest date each was fetched."""
    stored: dict[str, dt.date] = {}
    for path in Path(raw_dir).rglob("*.json") if Path(raw_dir).is_dir() else []:
        match = ITEM_FILE_ID.search(path.name)
        try:
            fetched = dt.date.fromisoformat(path.parent.name)
        except ValueError:
            fetched = dt.date.min
        if match:
            stored[match[1]] = max(fetched, stored.get(match[1], dt.date.min))
    return stored


def _copy_from_dir(folder: Path, raw_dir: Path, report: IngestReport,
                   fetch_date: dt.date | None, progress: Progress) -> IngestReport:
    """Copy the Algolia items, Firebase runs and archive month files of a folder.

    Every other file is left out with the reason, in ``report.left_out``; a folder with nothing
    to copy is an error that says what it found.
    """
    if not folder.is_dir():
        report.errors.append(f"{folder}: not a folder")
        return report
    wanted = []
    found = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for path in found:
        why = _why_left_out(path)
        if why is None:
            wanted.append(path)
        else:
            report.left_out.append(f"{path.name}: {why}")
            progress(0, 0, f"{path.name}: {why}, left out")
    if not wanted:
        what = f"{len(found)} file(s)" if found else "nothing"
        report.errors.append(
            f"{folder}: nothing to ingest: found {what}, none of them an Algolia thread "
            "(item JSON), a run of jobs ({\"jobs\": [...]}) or an archive month file "
            "(YYYY-MM.jsonl or .jsonl.gz)")
        return report
    return copy_files(wanted, raw_dir, report, fetch_date, progress)


def _why_left_out(path: Path) -> str | None:
    """Why a file of a --from-dir folder is not an HN file this loader reads; None when it is."""
    if path.is_dir():
        return "a folder (only the files directly in the folder are read)"
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        try:
            with _open_text(path) as handle:
                first = next((line for line in handle if line.strip()), None)
            record = json.loads(first) if first is not None else None
        except (OSError, EOFError, UnicodeDecodeError, ValueError) as err:
            return f"not readable as JSON Lines ({err})"
        if record is None:
            return "an empty file"
        if not (isinstance(record, dict) and {"id", "ts", "text"} <= record.keys()):
            return "JSON Lines, but its first record has no id, ts and text"
        return SOURCE.file_problem(path)  # what the build would refuse it for
    if not path.name.endswith(".json"):
        return "not a .json, .jsonl or .jsonl.gz file"
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as err:
        return f"not valid JSON ({err})"
    if isinstance(doc, dict) and ("jobs" in doc or doc.get("type") == "story"):
        return SOURCE.file_problem(path)  # what the build would refuse it for
    return "JSON, but neither a thread nor a run of jobs"
