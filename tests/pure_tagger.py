"""etl/transforms/tagger.py run as plain Python, whether or not its compiled build is loaded,
with the text passes of etl/text.py as Python too (not their C versions, etl/transforms/_passes.c).

The tests that compare the tagger's fast passes with the passes they replaced subclass the
Tagger and call its inner functions; they run on this module (an interpreted class cannot
subclass a compiled one). tests/test_compiled_tagger.py compares the module that is loaded
(compiled when `python -m etl.compile` built it, with the C passes) with this one.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

from etl.paths import PROJECT_ROOT

NAME = "etl.transforms._tagger_as_python"
TEXT_NAME = "etl._text_as_python"


def _module_from_source(name: str, *path: str) -> ModuleType:
    """The module executed from its source file (registered as name)."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT.joinpath(*path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@cache
def pure_text() -> ModuleType:
    """etl/text.py with its passes as Python only (registered as TEXT_NAME)."""
    module = _module_from_source(TEXT_NAME, "etl", "text.py")
    module.C_PASSES = None
    return module


@cache
def pure_tagger() -> ModuleType:
    """The tagger module executed from its source file (registered as NAME), reading text with
    pure_text()'s passes and without the C passes."""
    module = _module_from_source(NAME, "etl", "transforms", "tagger.py")
    text = pure_text()
    for name in ("html_text", "non_ascii", "plain_text"):  # the names tagger.py imports
        setattr(module, name, getattr(text, name))
    module.C_PASSES = None
    return module
