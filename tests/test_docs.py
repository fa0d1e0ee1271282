"""The README stays true: every schema column, table and command is documented."""

from __future__ import annotations

import re
import subprocess
import sys

from etl.warehouse.schema import COLUMN_NAMES
from tests.conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()


def test_every_schema_column_is_documented():
    documented = set(re.findall(r"^\| `(\w+)` \|", README, re.MULTILINE))
    assert set(COLUMN_NAMES) <= documented, set(COLUMN_NAMES) - documented


def test_quick_start_is_exactly_the_two_commands():
    block = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make run", "make test"]


def test_every_make_target_in_the_readme_exists():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    for target in set(re.findall(r"`make (\w+)`", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_every_etl_command_has_help():
    out = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True,
                         text=True, cwd=PROJECT_ROOT, check=True).stdout
    for command in ("sample", "build", "tag", "ingest"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command
        assert f"python -m etl {command}" in README
