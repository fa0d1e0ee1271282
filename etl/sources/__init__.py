"""Source loaders, by name. Each reads data/raw/<name>/ and yields staging rows (see base.py)."""

from __future__ import annotations

from etl.sources.base import Rejected, Source

SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a loader to the registry under its name."""
    SOURCES[source.name] = source
    return source


__all__ = ["SOURCES", "Rejected", "Source", "register"]
