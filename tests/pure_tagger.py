"""etl/transforms/tagger.py run as plain Python, whether or not its compiled build is loaded.

The tests that compare the tagger's fast passes with the passes they replaced subclass the
Tagger and call its inner functions; they run on this module (an interpreted class cannot
subclass a compiled one). tests/test_compiled_tagger.py compares the module that is loaded
(compiled when `python -m etl.compile` built it) with this one.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

from etl.paths import PROJECT_ROOT

NAME = "etl.transforms._tagger_as_python"


@cache
def pure_tagger() -> ModuleType:
    """The tagger module executed from its source file (registered as NAME)."""
    spec = importlib.util.spec_from_file_location(
        NAME, PROJECT_ROOT / "etl" / "transforms" / "tagger.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module
