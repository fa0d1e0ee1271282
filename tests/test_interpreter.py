"""The interpreter the virtualenv is made from (Makefile, PYTHON) and how the benches name it.

`make setup` makes .venv from the system's own python3 when it is 3.11 or newer and can make a
virtualenv, else from the python3 on PATH; PYTHON=... on the command line wins. The build's
per-posting stage took about 11% longer under a python3 whose interpreter runs from a shared
libpython (docs/build_speed.md, "Twenty-second pass"), so the benches print which kind ran them.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from etl.compile import interpreter
from etl.paths import PROJECT_ROOT

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def venv_command(*settings: str) -> str:
    """The command `make setup` would make .venv with, under these make variable settings
    (make -n: nothing runs but the choice of interpreter itself)."""
    # neither a PYTHON of the environment nor the settings of a make running these tests
    # (`make test PYTHON=...` passes its own in MAKEFLAGS) may choose for the Makefile
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-n", "-W", "pyproject.toml", ".venv/.installed", *settings],
                         cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    made = [line for line in out.splitlines() if " -m venv " in line]
    assert len(made) == 1, out
    return made[0].split("||", 1)[1].strip()


def script(folder: Path, status: int) -> Path:
    """An executable that exits with status whatever it is asked (an interpreter too old or
    without venv answers the Makefile's check with 1)."""
    path = folder / f"python-exits-{status}"
    path.write_text(f"#!/bin/sh\nexit {status}\n")
    path.chmod(0o755)
    return path


@needs_make
def test_the_system_python_when_it_can_make_a_virtualenv():
    # this test's own interpreter is 3.11 or newer and has venv and ensurepip
    assert venv_command(f"SYSTEM_PYTHON={sys.executable}") == f"{sys.executable} -m venv .venv"


@needs_make
def test_the_python3_on_path_when_the_system_python_cannot(tmp_path):
    assert venv_command(f"SYSTEM_PYTHON={script(tmp_path, 1)}") == "python3 -m venv .venv"
    assert venv_command(f"SYSTEM_PYTHON={tmp_path / 'none'}") == "python3 -m venv .venv"
    # the check itself: an interpreter that answers 0 is taken
    ok = script(tmp_path, 0)
    assert venv_command(f"SYSTEM_PYTHON={ok}") == f"{ok} -m venv .venv"


@needs_make
def test_python_on_the_command_line_wins():
    assert venv_command(f"SYSTEM_PYTHON={sys.executable}", "PYTHON=python3.12") == \
        "python3.12 -m venv .venv"


def test_the_interpreter_named_by_its_memory_map():
    shared = ("7f00-7f01 r-xp 00000000 fe:01 123 /opt/py/lib/libpython3.11.so.1.0\n"
              "7f02-7f03 r-xp 00000000 fe:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6\n")
    linked = "5600-5601 r-xp 00000000 fe:01 789 /usr/bin/python3.11\n" + shared.splitlines()[1]
    version = f"Python {platform.python_version()}"
    assert interpreter(shared) == f"{version}, libpython shared"
    assert interpreter(linked) == f"{version}, libpython linked in"
    assert interpreter("") == f"{version}, libpython linked in"


def test_the_running_interpreter_is_named():
    named = interpreter()
    assert named.startswith(f"Python {platform.python_version()}")
    maps = Path("/proc/self/maps")
    if maps.exists():
        shared = "/libpython3" in maps.read_text()
        assert named.endswith("libpython shared" if shared else "libpython linked in")
