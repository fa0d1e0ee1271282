"""Marks of the app's cold start for the app bench: each mark appends its wall-clock time, the
thread and a label to the file named by $HIRING_RADAR_TIMELINE (nothing happens when unset).

``python -m etl.bench --app`` sets it and prints where the first chart's time went.
"""

from __future__ import annotations

import os
import threading
import time

ENV = "HIRING_RADAR_TIMELINE"


def mark(label: str) -> None:
    """Record that ``label`` happened now (when $HIRING_RADAR_TIMELINE names a file)."""
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{time.time():.4f}\t{threading.current_thread().name}\t{label}\n")
