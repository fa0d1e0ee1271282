"""Dated snapshots of job-board APIs: store each response unmodified, read every posting once.

Job-board APIs list the jobs open *now*, so each ingest stores what it fetched under
``data/raw/<source>/<YYYY-MM-DD>/`` (``page-N.json`` or ``<board-token>.json``) and history builds
up run after run. :class:`SnapshotSource` reads every snapshot, oldest first, and yields each
posting once: the version of the first snapshot that held it, dated by the posting's own date or,
when the API gives none, by that first snapshot's date. Shared field helpers live here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from etl.http import FetchError, HttpClient
from etl.ingest import IngestReport, fetch_dir, stored_hashes, unique_path
from etl.paths import ETL_DATA
from etl.sources.base import FileSource, RecordProblem

_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"(\d+)")


# --- writing ------------------------------------------------------------------------------------

@dataclass
class SnapshotRun:
    """One ingest run of a source: fetches JSON pages and stores them unmodified, once each."""

    raw_dir: Path
    report: IngestReport
    client: HttpClient
    fetch_date: dt.date | None = None
    secrets: tuple[str, ...] = ()  # values to hide in error messages (API keys in query strings)
    _known: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.raw_dir = Path(self.raw_dir)
        self._known = stored_hashes(self.raw_dir)

    def fetch(self, name: str, url: str, params: dict | None = None,
              headers: dict | None = None):
        """Fetch and store one JSON page as <date>/<name>; its decoded body, or None on failure.

        A failure (HTTP error after retries, timeout, malformed JSON) goes to report.errors naming
        the URL and problem; a body already stored byte for byte is not stored again (skipped).
        """
        try:
            body = self.client.get_bytes(url, params, headers)
            data = json.loads(body)
        except FetchError as err:
            self.report.errors.append(self._redact(str(err)))
            return None
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            full = url + ("?" + _query(params) if params else "")
            self.report.errors.append(self._redact(f"{full}: malformed JSON ({err})"))
            return None
        self.store(name, body)
        return data

    def store(self, name: str, body: bytes) -> Path | None:
        """Write body as <raw_dir>/<date>/<name> (never overwriting); None when already stored."""
        digest = hashlib.sha256(body).hexdigest()
        if digest in self._known:
            self.report.skipped += 1
            return None
        folder = fetch_dir(self.raw_dir, self.fetch_date)
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_path(folder, name)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(body)
        tmp.replace(target)  # a crash never leaves half a file under its real name
        self._known.add(digest)
        self.report.files_written.append(target)
        return target

    def fetched_today(self) -> list[Path]:
        """Files already stored in today's (the run's) folder."""
        folder = fetch_dir(self.raw_dir, self.fetch_date)
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def _redact(self, message: str) -> str:
        for secret in self.secrets:
            if secret:
                message = message.replace(secret, "***")
        return message


def _query(params: dict) -> str:
    return urllib.parse.urlencode(params, doseq=True)


# --- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """One stored file and the date of the run that fetched it (None outside a dated folder)."""

    path: Path
    day: dt.date | None


def snapshot_files(source_dir: Path, suffixes: tuple[str, ...] = (".json",)) -> list[Snapshot]:
    """Every stored file of a source, oldest run first, pages in numeric order."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        return []
    found = []
    for path in source_dir.rglob("*"):
        if not path.is_file() or path.suffix.lower() not in suffixes \
                or path.name.startswith("."):
            continue
        found.append(Snapshot(path, snapshot_day(path)))
    return sorted(found, key=lambda s: (s.day or dt.date.min, _natural(s.path.relative_to(
        source_dir).as_posix())))


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(text)]


RowMaker = Callable[[dict, Snapshot], dict]


@dataclass(frozen=True)
class SnapshotSource(FileSource):
    """A postings source read from dated API snapshots, oldest run first (a posting in several
    runs is kept once by the build's first seen: the earliest posted, then the first read).

    ``records(path)`` returns the raw postings of one stored file (a RecordProblem in place of
    one it cannot read); ``source_id(record)`` their id; ``to_row(record, snapshot)`` a staging
    row, raising :class:`RecordProblem` when it cannot.
    """

    records: Callable[[Path], Iterable[dict | RecordProblem]] = list
    source_id: Callable[[dict], object] = str
    to_row: RowMaker = dict
    suffixes: tuple[str, ...] = (".json",)
    kind: str = "postings"
    newest_first: bool = False

    def files(self, raw_dir: Path) -> list[Path]:
        """Every stored snapshot, oldest run first, pages in numeric order."""
        return [snap.path for snap in snapshot_files(raw_dir, self.suffixes)]

    def read_records(self, path: Path) -> Iterator[tuple[str, object]]:
        """(id or position, record) of one stored file."""
        try:
            found = list(self.records(path))
        except Exception as err:
            raise RecordProblem(f"unreadable snapshot: {err}") from err
        for index, record in enumerate(found):
            key = text(self.source_id(record)) if isinstance(record, dict) else None
            yield key or str(index), record

    def make_row(self, raw: object, path: Path) -> dict:
        """A staging row of one posting, dated by its own date or its snapshot's."""
        if isinstance(raw, RecordProblem):
            raise raw
        if not isinstance(raw, dict):
            raise RecordProblem("not a JSON object")
        key = text(self.source_id(raw))
        if not key:
            raise RecordProblem("id is missing")
        row = self.to_row(raw, Snapshot(path, snapshot_day(path)))
        if not row.get("title"):
            raise RecordProblem("title is missing")
        if row.get("posted_date") is None:
            raise RecordProblem("date is missing (no posting date and the file is not in a "
                                "dated snapshot folder)")
        row["source_id"] = key
        return row


def snapshot_day(path: Path) -> dt.date | None:
    """The date of the run that stored a file: its dated folder, None outside one."""
    folder = path.parent.name
    return dt.date.fromisoformat(folder) if _DAY_FOLDER.match(folder) else None


def json_records(extract: Callable[[object], Iterable[dict]]) -> Callable[[Path], list]:
    """A records(path) function: decode a stored JSON file and pick its postings out."""

    def records(path: Path) -> list:
        with open(path, "rb") as handle:
            return list(extract(json.load(handle)))

    return records


# --- field helpers shared by the connectors ------------------------------------------------------

def text(value: object) -> str | None:
    """A stripped string, or None for missing or blank values."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def posted_date(value: object, snap: Snapshot, field_name: str) -> dt.date | None:
    """The posting's own date (ISO text, unix s or ms), else the snapshot's date.

    A date that is present but does not parse raises RecordProblem: it is not silently replaced.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return snap.day
    parsed = parse_date(value)
    if parsed is None:
        raise RecordProblem(f"{field_name} {value!r} is not a date")
    return parsed


def parse_date(value: object) -> dt.date | None:
    """A date from ISO 8601 text or a unix timestamp in seconds or milliseconds; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return dt.datetime.fromtimestamp(number, dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def number(value: object) -> float | None:
    """A positive amount from a number or numeric text; None for missing, zero or junk."""
    try:
        amount = float(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None
    return amount if amount and amount > 0 else None


_EMPLOYMENT = {
    "fulltime": "full_time", "permanent": "full_time", "vollzeit": "full_time",
    "parttime": "part_time", "teilzeit": "part_time",
    "contract": "contract", "contractor": "contract", "freelance": "contract",
    "freelancer": "contract", "contracttohire": "contract",
    "intern": "internship", "internship": "internship", "internships": "internship",
    "praktikum": "internship", "werkstudent": "part_time",
    "temporary": "temporary", "temp": "temporary", "seasonal": "temporary",
}


def employment_type(*values: object) -> str | None:
    """full_time / part_time / contract / internship / temporary from the first known label."""
    for value in values:
        key = re.sub(r"[^a-z]", "", str(value or "").lower())
        if key in _EMPLOYMENT:
            return _EMPLOYMENT[key]
    return None


def remote_value(value: object) -> str | None:
    """remote / hybrid / onsite from a workplace-type label; None when the label is unknown."""
    key = re.sub(r"[^a-z]", "", str(value or "").lower())
    return {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite",
            "inoffice": "onsite", "office": "onsite"}.get(key)


# --- company job boards (Greenhouse, Lever, Ashby) -----------------------------------------------

JOB_BOARDS = ETL_DATA / "job_boards.toml"
_REFETCH_SUFFIX = re.compile(r"-\d+$")


def job_boards(platform: str, config: Path | None = None) -> dict[str, str]:
    """Board token -> company name for one platform, from the job-boards TOML file."""
    with open(config or JOB_BOARDS, "rb") as handle:
        entries = tomllib.load(handle).get(platform, [])
    return {str(e["token"]): str(e.get("company") or e["token"]) for e in entries}


def board_company(platform: str, snap: Snapshot) -> str:
    """The company of a stored board snapshot (<token>.json), from the config or the token."""
    token = snap.path.stem
    boards = _shipped_boards(platform)
    if token not in boards:
        token = _REFETCH_SUFFIX.sub("", token)  # <token>-2.json: a second fetch the same day
    return boards.get(token, token)


@cache
def _shipped_boards(platform: str) -> dict[str, str]:
    """The shipped board list, read once per process (the reader asks for every posting)."""
    try:
        return job_boards(platform)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def ingest_boards(platform: str, raw_dir: Path, client: HttpClient | None, url_template: str,
                  params: dict, boards: list[str] | None, config: Path | None,
                  fetch_date: dt.date | None, progress: Callable[[int, int, str], None]
                  ) -> IngestReport:
    """Store today's snapshot of each board as <date>/<token>.json; a failed board is reported."""
    report = IngestReport(platform)
    try:
        tokens = list(boards or job_boards(platform, config))
    except (OSError, tomllib.TOMLDecodeError) as err:
        report.errors.append(f"{config or JOB_BOARDS}: cannot read the board list ({err})")
        return report
    if not tokens:
        report.errors.append(f"no {platform} boards: list them under [[{platform}]] in "
                             f"{config or JOB_BOARDS} or pass --board")
        return report
    run = SnapshotRun(raw_dir, report, client or HttpClient(), fetch_date)
    for done, token in enumerate(tokens):
        progress(done, len(tokens), f"fetching board {token}")
        url = url_template.format(token=urllib.parse.quote(token, safe=""))
        run.fetch(f"{token}.json", url, params)
    progress(len(tokens), len(tokens), report.summary())
    return report


def add_board_arguments(parser, api_url: str) -> None:
    """Options shared by the Greenhouse, Lever and Ashby ingests."""
    parser.add_argument("--board", dest="boards", action="append", default=None,
                        metavar="TOKEN", help="board token (repeatable; default: every board "
                        "listed in the config)")
    parser.add_argument("--config", type=Path, default=None,
                        help=f"job-boards TOML (default: {JOB_BOARDS.name} in etl/data)")
    parser.add_argument("--base-url", default=api_url,
                        help="API endpoint with {token} (default: %(default)s)")
