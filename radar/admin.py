"""What the Data page does, without Streamlit: list raw sources, run an ingest, rebuild."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

from etl.paths import DEFAULT_RAW

Progress = Callable[[int, int, str], None]
# Sources a user can feed from an uploaded file, and the options each needs beside --file.
UPLOADABLE = {"linkedin": "LinkedIn Job Postings (Kaggle arshkon postings.csv)",
              "adzuna": "Adzuna search results saved as CSV",
              "so_survey": "Stack Overflow Developer Survey survey_results_public.csv",
              "indeed": "Indeed Hiring Lab postings index CSV",
              "own": "Your own CSV, JSON Lines or Parquet (with a column map)"}


def raw_root() -> Path:
    """Where raw inputs live: $HIRING_RADAR_RAW, else data/raw."""
    return Path(os.environ.get("HIRING_RADAR_RAW") or DEFAULT_RAW)


def raw_inventory(root: Path) -> pl.DataFrame:
    """Per source folder under root: files stored, megabytes and the latest fetch date."""
    rows = []
    for folder in sorted(p for p in root.glob("*") if p.is_dir()):
        files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
        dates = [p.name for p in folder.iterdir() if p.is_dir() and p.name[:4].isdigit()]
        rows.append({"source": folder.name, "files": len(files),
                     "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 2),
                     "latest_fetch": max(dates) if dates else None})
    return pl.DataFrame(rows, schema={"source": pl.String, "files": pl.Int64,
                                      "megabytes": pl.Float64, "latest_fetch": pl.String})


def hn_argv(since: dt.date, until: dt.date) -> list[str]:
    """The ingest arguments that fetch the HN hiring threads of a range of months."""
    if since > until:
        raise ValueError(f"the first month {since:%Y-%m} is after the last {until:%Y-%m}")
    return ["hn", "--since", f"{since:%Y-%m}", "--until", f"{until:%Y-%m}"]


def upload_argv(source: str, path: Path, year: int | None = None,
                column_map: str = "") -> list[str]:
    """The ingest arguments that store an uploaded file as one of the file-fed sources."""
    if source not in UPLOADABLE:
        raise ValueError(f"{source!r} does not take uploaded files")
    argv = [source, "--file", str(path)]
    if source == "so_survey":
        if year is None:
            raise ValueError("a survey file needs its year")
        argv += ["--year", str(year)]
    if source == "own":
        pairs = [p.strip() for p in column_map.replace("\n", ",").split(",") if p.strip()]
        if not pairs:
            raise ValueError("your own file needs a column map: source_col=schema_col, ...")
        for pair in pairs:
            argv += ["--map", pair]
    return argv


def run_ingest(argv: list[str], root: Path, progress: Progress):
    """Run one ingest as `python -m etl ingest` would; returns its IngestReport."""
    from etl.ingest import run
    return run(["--raw-root", str(root), *argv], progress=progress)


def rebuild(root: Path, warehouse: Path, log: Callable[[str], None]) -> dict:
    """Rebuild the warehouse from every raw source; returns the new manifest.

    A warehouse that holds the embedded real history keeps it (and leaves the sample out).
    """
    import json

    from etl.paths import DEFAULT_EMBEDDED
    from etl.warehouse.build import build
    from etl.warehouse.embedded import real_sources
    manifest = Path(warehouse) / "manifest.json"
    if manifest.is_file() and "embedded" in json.loads(manifest.read_text()):
        return build(root, warehouse, log=log, embedded=DEFAULT_EMBEDDED,
                     only=real_sources(root, log))
    return build(root, warehouse, log=log)
