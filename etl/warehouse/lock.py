"""One build at a time per warehouse: an advisory file lock beside the warehouse link.

The lock is an flock on ``.<warehouse>.lock`` in the warehouse's parent folder: the kernel drops
it when the holding process ends, however it ends (a killed build never leaves a stale lock).
The file records who holds it, so a second build can say which one is running.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

UNNAMED_HOLDER_GRACE = 2.0  # seconds a held lock may show no holder before a refusal says so


class BuildRunning(RuntimeError):
    """Another build of the same warehouse holds the lock."""


def lock_path(warehouse: Path) -> Path:
    """The lock file of a warehouse."""
    return warehouse.parent / f".{warehouse.name}.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def build_lock(warehouse: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's build lock; waits up to ``wait`` seconds, then raises BuildRunning."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                now, holder = time.monotonic(), _holder(path)
                # An empty file under a held lock is a holder between taking the lock and
                # writing its pid (or between clearing it and letting go): ask again shortly.
                if now >= deadline and (holder or now >= deadline + UNNAMED_HOLDER_GRACE):
                    raise BuildRunning(f"a build of {warehouse} is already running"
                                       f"{holder}; wait for it to finish") from None
                time.sleep(0.2 if holder else 0.02)
        started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
