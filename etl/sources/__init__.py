"""Source loaders, by name. Each reads data/raw/<name>/ and yields staging rows (see base.py).

A loader module defines ``SOURCE``; add its module path to ``LOADER_MODULES`` to register it.
"""

from __future__ import annotations

import importlib
from functools import cache

from etl.sources.base import Rejected, Source

LOADER_MODULES: tuple[str, ...] = (
    "etl.sources.sample",
    "etl.sources.hn",
    "etl.sources.linkedin",
    "etl.sources.so_survey",
    "etl.sources.indeed",
    "etl.sources.own_file",
    "etl.sources.remotive",
    "etl.sources.arbeitnow",
    "etl.sources.remoteok",
    "etl.sources.greenhouse",
    "etl.sources.lever",
    "etl.sources.ashby",
    "etl.sources.adzuna",
    "etl.sources.usajobs",
)


@cache
def sources() -> dict[str, Source]:
    """Every registered source loader by name."""
    found = {}
    for module_name in LOADER_MODULES:
        source = importlib.import_module(module_name).SOURCE
        found[source.name] = source
    return found


__all__ = ["LOADER_MODULES", "Rejected", "Source", "sources"]
