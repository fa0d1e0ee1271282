"""A build's progress as a small JSON file beside the warehouse, so a build started from the app
runs in its own process (``python -m etl build --progress FILE``) and the Data page only reads
the file: stage, stages done with their seconds, what each source gave, the outcome.

The file is replaced atomically on every update (a reader never sees half of it). A build that
ends without writing an outcome (killed) is told apart by its process id no longer running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from etl.warehouse.lock import BuildRunning, build_lock

# The build's stages in order (etl/warehouse/build.py calls stage() with these names).
STAGES = ("read, normalise, tag", "deduplicate", "write postings", "rollups and manifest")
RUNNING = ("starting", "running")


def status_path(warehouse: Path) -> Path:
    """The progress file of a warehouse's builds started from the app."""
    return warehouse.parent / f".{warehouse.name}.build.json"


def log_path(warehouse: Path) -> Path:
    """Where a build started from the app writes its standard output and error."""
    return warehouse.parent / f".{warehouse.name}.build.log"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def write_status(path: Path, status: dict) -> None:
    """Replace the progress file atomically."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(status, default=str, indent=1))
    os.replace(tmp, path)


class ProgressFile:
    """The build's side: stage(), log() and the outcome, each written to the file at once."""

    def __init__(self, path: Path):
        self.path = path
        self.started = time.monotonic()
        self.stage_started = self.started
        self.status = {"state": "running", "pid": os.getpid(), "started_at": _now(),
                       "stage": None, "stage_number": 0, "stages": len(STAGES), "done": [],
                       "log": []}  # written from the first stage on: the build holds the lock

    def stage(self, name: str) -> None:
        """A stage starts (the previous one is done)."""
        now = time.monotonic()
        if self.status["stage"]:
            self.status["done"].append({"stage": self.status["stage"],
                                        "seconds": round(now - self.stage_started, 1)})
        self.stage_started = now
        number = STAGES.index(name) + 1 if name in STAGES else self.status["stage_number"] + 1
        self.status.update(stage=name, stage_number=number)
        write_status(self.path, self.status)

    def log(self, message: str) -> None:
        """A line of the build's log (per source: rows read and rejected)."""
        self.status["log"] = [*self.status["log"], message][-50:]
        if self.status["stage"]:
            write_status(self.path, self.status)

    def finished(self, manifest: dict) -> None:
        """The build succeeded: its row counts."""
        self.stage("finished")
        self.status.update(state="done", finished_at=_now(), stage=None,
                           stage_number=len(STAGES),
                           seconds=round(time.monotonic() - self.started, 1),
                           postings=manifest["row_counts"]["postings"],
                           row_counts=manifest["row_counts"])
        write_status(self.path, self.status)

    def failed(self, error: BaseException) -> None:
        """The build failed: the error, in a line."""
        self.status.update(state="failed", finished_at=_now(),
                           error=f"{type(error).__name__}: {error}"[:1000],
                           seconds=round(time.monotonic() - self.started, 1))
        write_status(self.path, self.status)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_status(warehouse: Path) -> dict | None:
    """The last build started from the app (None when there was none); a build whose process
    ended without an outcome is reported failed."""
    path = status_path(warehouse)
    try:
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if status.get("state") in RUNNING and not _alive(int(status.get("pid", 0))):
        status.update(state="failed", error="the build process ended without a report (killed?)"
                                            f"; its output is in {log_path(warehouse)}")
    return status


def build_argv(raw_root: Path, warehouse: Path, embedded: bool) -> list[str]:
    """The command that rebuilds the warehouse in its own process, reporting to its file."""
    argv = [sys.executable, "-m", "etl", "build", "--raw", str(raw_root), "--warehouse",
            str(warehouse), "--progress", str(status_path(warehouse))]
    return argv if embedded else [*argv, "--no-embedded"]


def start_build(raw_root: Path, warehouse: Path, embedded: bool) -> int:
    """Start a rebuild in a new process; returns its process id.

    Raises BuildRunning when a build of the warehouse runs (its lock is held, or one started
    from the app has not yet taken it).
    """
    current = read_status(warehouse)
    if current and current["state"] in RUNNING:
        raise BuildRunning(f"a build of {warehouse} is already running (pid {current['pid']}, "
                           f"started {current['started_at']}); wait for it to finish")
    with build_lock(warehouse):  # raises BuildRunning while a build (from anywhere) runs
        pass
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path(warehouse), "wb") as log:
        child = subprocess.Popen(build_argv(raw_root, warehouse, embedded), stdout=log,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
    write_status(status_path(warehouse), {"state": "starting", "pid": child.pid,
                                          "started_at": _now(), "stage": None, "stage_number": 0,
                                          "stages": len(STAGES), "done": [], "log": []})
    # Reap the child when it ends, so its process id stops answering (no zombie).
    threading.Thread(target=child.wait, daemon=True).start()
    return child.pid
