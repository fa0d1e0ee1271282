"""Transforms from staging rows to warehouse rows: normalise, pay, tag, deduplicate.

The tagger may run compiled: ``python -m etl.compile`` (run by ``make setup``) builds
etl/transforms/tagger.py with mypyc into a folder of the running environment named after the
source's hash (etl.compile.compiled_folder). That folder goes first on this package's path
only when it exists, so the extension is loaded only when it was built from the tagger.py
beside this file; an edited tagger runs as plain Python until it is built again.
HIRING_RADAR_PURE_PYTHON=1 turns the compiled tagger off (docs/build_speed.md).
"""

import os

from etl.compile import compiled_folder

_FOLDER = compiled_folder()
if _FOLDER.is_dir() and not os.environ.get("HIRING_RADAR_PURE_PYTHON"):
    __path__.insert(0, str(_FOLDER))  # noqa: F821 (a package's own path)
