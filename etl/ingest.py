"""Ingest: fetch or copy a source's raw files, unmodified, into data/raw/<source>/<fetch date>/.

``python -m etl ingest SOURCE [options]`` runs one source's ingester. A source module that can be
ingested defines, beside ``SOURCE``:

- ``def add_arguments(parser: argparse.ArgumentParser) -> None`` — its command-line options;
- ``def ingest(raw_dir: Path, **options) -> IngestReport`` — ``raw_dir`` is the source's own folder
  (``data/raw/<source>``); ``options`` are the parsed options plus ``progress``, a callback
  ``progress(done, total, message)`` (the app's Data page draws a progress bar with it).

Raw files are never modified: a rerun stores only what is new. A file whose bytes are already
stored anywhere under the source's folder is skipped (and counted in ``IngestReport.skipped``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from etl.paths import DEFAULT_RAW

Progress = Callable[[int, int, str], None]
DEFAULT_RAW_ROOT = DEFAULT_RAW


@dataclass
class IngestReport:
    """What one ingest run did: files stored, skipped as already stored, left out (why), errors."""

    source: str
    files_written: list[Path] = field(default_factory=list)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "name: reason" of files not read

    @property
    def ok(self) -> bool:
        """True when the run had no errors."""
        return not self.errors

    def summary(self) -> str:
        """One line for the terminal and the Data page."""
        line = (f"{self.source}: {len(self.files_written)} file(s) written, "
                f"{self.skipped} already stored (skipped)")
        if self.left_out:
            line += f", {len(self.left_out)} left out"
        return line + (f", {len(self.errors)} error(s)" if self.errors else "")


def no_progress(done: int, total: int, message: str) -> None:
    """The default progress callback: does nothing."""


def fetch_dir(raw_dir: Path, fetch_date: dt.date | None = None) -> Path:
    """The dated folder of one run: <raw_dir>/<YYYY-MM-DD> (today unless given)."""
    return Path(raw_dir) / (fetch_date or dt.date.today()).isoformat()


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_hashes(raw_dir: Path) -> set[str]:
    """SHA-256 of every file already stored under a source's raw folder."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        return set()
    return {file_sha256(p) for p in raw_dir.rglob("*")
            if p.is_file() and not p.name.endswith(".part")}


def unique_path(folder: Path, name: str) -> Path:
    """folder/name, or folder/stem-2.suffix ... when a different file already has that name."""
    candidate = folder / name
    stem, suffix, n = Path(name).stem, "".join(Path(name).suffixes[-1:]), 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def partial_path(target: Path) -> Path:
    """The hidden name a file is written under until it is complete (no source reads it)."""
    return target.with_name(f".{target.name}.part")


def copy_atomically(src: Path, target: Path) -> None:
    """Copy src to target through a hidden temporary name and a rename, so an ingest killed
    mid-copy never leaves a truncated file under the real name for a build to read."""
    tmp = partial_path(target)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_files(sources: list[Path], raw_dir: Path, report: IngestReport,
               fetch_date: dt.date | None = None, progress: Progress = no_progress,
               subfolder: str = "") -> IngestReport:
    """Copy files byte for byte into the dated folder, skipping any whose bytes are stored.

    ``subfolder`` (e.g. a survey year) goes below the dated folder: <raw_dir>/<date>/<subfolder>.
    """
    known = stored_hashes(raw_dir)
    total = len(sources)
    for done, src in enumerate(sources, start=1):
        src = Path(src)
        try:
            digest = file_sha256(src)
            if digest in known:
                report.skipped += 1
                progress(done, total, f"{src.name}: already stored, skipped")
                continue
            folder = fetch_dir(raw_dir, fetch_date) / subfolder
            folder.mkdir(parents=True, exist_ok=True)
            target = unique_path(folder, src.name)
            copy_atomically(src, target)
            known.add(digest)
            report.files_written.append(target)
            progress(done, total, f"{src.name}: stored as {target}")
        except OSError as err:
            report.errors.append(f"{src}: cannot copy ({err.strerror or err})")
            progress(done, total, f"{src.name}: error")
    return report


def write_bytes(raw_dir: Path, name: str, body: bytes, report: IngestReport,
                fetch_date: dt.date | None = None) -> Path:
    """Store a fetched response body unmodified as <raw_dir>/<date>/<name>."""
    folder = fetch_dir(raw_dir, fetch_date)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = partial_path(target)
    tmp.write_bytes(body)
    tmp.replace(target)  # a crash never leaves half a file under its real name
    report.files_written.append(target)
    return target


# --- the command line --------------------------------------------------------------------------

def ingest_modules() -> dict[str, object]:
    """Registered source modules that define ``ingest`` and ``add_arguments``, by source name."""
    from etl.sources import LOADER_MODULES

    found = {}
    for module_name in LOADER_MODULES:
        module = importlib.import_module(module_name)
        if hasattr(module, "ingest") and hasattr(module, "add_arguments"):
            found[module.SOURCE.name] = module
    return found


def build_parser(modules: dict[str, object]) -> argparse.ArgumentParser:
    """The ``ingest`` parser with one subcommand per ingestable source."""
    parser = argparse.ArgumentParser(
        prog="python -m etl ingest",
        description="Fetch or copy a source's raw files, unmodified, into "
                    "<raw-root>/<source>/<fetch date>/. A rerun stores only what is new.")
    parser.add_argument("--raw-root", type=Path, default=DEFAULT_RAW_ROOT,
                        help="root of the raw folders (default: %(default)s)")
    sub = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, module in sorted(modules.items()):
        source = module.SOURCE
        doc = (module.__doc__ or "").strip()
        child = sub.add_parser(name, help=source.title, description=doc or source.title,
                               formatter_class=argparse.RawDescriptionHelpFormatter,
                               epilog=f"Licence / terms: {source.licence}")
        module.add_arguments(child)
    return parser


def print_progress(done: int, total: int, message: str) -> None:
    """Progress on stderr for the terminal."""
    print(f"[{done}/{total}] {message}", file=sys.stderr)


def run(argv: list[str], progress: Progress = no_progress) -> IngestReport:
    """Parse ``[--raw-root R] SOURCE [options]`` as the command line does and run that ingest."""
    modules = ingest_modules()
    args = build_parser(modules).parse_args(argv)
    options = {k: v for k, v in vars(args).items() if k not in ("source", "raw_root")}
    given = [Path(p) for p in options.get("files") or []]
    given += [Path(options["file"])] if options.get("file") else []
    refused = [f"{path}: {why}" for path in given if (why := encoding_problem(path))]
    if refused:  # refused as a whole: the user fixes the file and uploads it again
        return IngestReport(args.source, errors=refused)
    try:
        return modules[args.source].ingest(Path(args.raw_root) / args.source, progress=progress,
                                           **options)
    except (csv.Error, UnicodeDecodeError) as err:
        names = ", ".join(str(p) for p in given) or args.source
        return IngestReport(args.source, errors=[f"{names}: cannot be read as a UTF-8 CSV "
                                                 f"file ({err})"])


def encoding_problem(path: Path) -> str | None:
    """Why a text file is not UTF-8 at its start (a UTF-16 byte-order mark, NUL bytes), or None
    (Parquet files and unreadable paths are left to the source's own checks)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if head[:4] == b"PAR1":
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); "
                "save it as UTF-8 and try again")
    if b"\x00" in head:
        return ("the file holds NUL bytes: it looks UTF-16 encoded or binary, not UTF-8 text; "
                "save it as UTF-8 and try again")
    return None


def main(argv: list[str]) -> int:
    """Run ``python -m etl ingest``; exit code 0 when the run had no errors, 1 otherwise."""
    report = run(argv, progress=print_progress)
    for path in report.files_written:
        print(f"stored {path}")
    for reason in report.left_out:
        print(f"left out {reason}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
