"""The `python -m etl.bench` command lines the Makefile runs parse, and `--app`'s forms.

`make bench-scale` passed `--queries-at $(AT) --app` while `--app` required a WAREHOUSE, so
the target stopped at argparse's usage error from the day it was written; no test parsed
its command line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from etl.bench import SCALED, arguments

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def make_defaults(text: str) -> dict[str, str]:
    """The Makefile's `NAME ?= value` defaults."""
    return dict(re.findall(r"^([A-Z_]+) \?= (\S+)$", text, re.M))


def bench_commands(text: str) -> dict[str, list[list[str]]]:
    """The arguments of each `$(PY) -m etl.bench ...` recipe line, by target, the Makefile's
    defaults put in for its variables."""
    defaults = make_defaults(text)
    found: dict[str, list[list[str]]] = {}
    target = ""
    for line in text.splitlines():
        if re.match(r"^[a-z-]+:", line):
            target = line.split(":", 1)[0]
        elif line.startswith("\t") and " -m etl.bench " in line + " ":
            command = line.split("#", 1)[0]
            command = re.sub(r"\$\(([A-Z_]+)\)", lambda m: defaults.get(m[1], m[0]), command)
            words = shlex.split(command)
            found.setdefault(target, []).append(words[words.index("etl.bench") + 1:])
    return found


def test_every_bench_command_in_the_makefile_parses():
    text = MAKEFILE.read_text()
    commands = bench_commands(text)
    assert sorted(commands) == ["bench", "bench-scale"]
    for lines in commands.values():
        for argv in lines:
            arguments(argv)  # argparse exits with status 2 on a usage error
    queries, append = commands["bench-scale"]
    at = int(make_defaults(text)["AT"])
    scaled = arguments(queries)
    assert (scaled.queries_at, scaled.app) == (at, SCALED)
    assert arguments(append).append_at == at


def test_app_with_queries_at_times_the_scaled_warehouse():
    args = arguments(["--n", "400", "--queries-at", "1000", "--app"])
    assert args.app is SCALED
    assert arguments(["--n", "400", "--queries-at", "1000"]).app is None


@pytest.mark.parametrize("argv, message", [
    (["--app"], "--app needs a WAREHOUSE"),
    (["--queries-at", "1000", "--app", "somewhere"], "--app takes no WAREHOUSE"),
    (["--app", "no-such-folder"], "--app no-such-folder: no warehouse there"),
])
def test_app_forms_that_cannot_run_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        arguments(argv)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_app_on_a_warehouse(tmp_path):
    (tmp_path / "manifest.json").write_text("{}")
    assert arguments(["--app", str(tmp_path)]).app == tmp_path
