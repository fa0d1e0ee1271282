"""Transforms from staging rows to warehouse rows: normalise, pay, tag, deduplicate.

The tagger and the normaliser may run compiled: ``python -m etl.compile`` (run by ``make
setup``) builds etl/transforms/tagger.py, normalize.py, requirements.py, salary.py and
caseless.py with mypyc into a folder of the running environment named after the sources' hash
(etl.compile.compiled_folder). That folder goes first on this package's path only when it
exists, so the extensions are loaded only when they were built from the modules beside this
file; an edited module runs as plain Python (the others too) until they are built again. The same
build makes ``_passes`` (etl/transforms/_passes.c: text passes and two array loops written in
C), which etl.text, the tagger, dedup and radar.sets call through C_PASSES when it is there.
HIRING_RADAR_PURE_PYTHON=1 turns both off (docs/build_speed.md).
"""

import importlib
import importlib.util
import os
from types import ModuleType

from etl.compile import compiled_folder

_FOLDER = compiled_folder()
if _FOLDER.is_dir() and not os.environ.get("HIRING_RADAR_PURE_PYTHON"):
    __path__.insert(0, str(_FOLDER))  # noqa: F821 (a package's own path)


def _c_passes() -> ModuleType | None:
    """etl.transforms._passes when this package's path holds a build of it, else None."""
    if importlib.util.find_spec(f"{__name__}._passes") is None:
        return None
    return importlib.import_module(f"{__name__}._passes")


C_PASSES = _c_passes()
