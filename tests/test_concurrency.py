"""Concurrent and interrupted work, with real processes: two builds at once, a build while
another holds the lock, a build and an ingest killed with a signal."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl.warehouse.lock import BuildRunning, build_lock, lock_path
from tests.conftest import PROJECT_ROOT

ENV = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


def etl(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=PROJECT_ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("conc") / "raw"
    done = subprocess.run([sys.executable, "-m", "etl", "sample", "--out", str(root / "sample"),
                           "--n", "800"], cwd=PROJECT_ROOT, env=ENV, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def expected(raw, tmp_path_factory) -> int:
    """Postings a lone build of the raw folder gives."""
    warehouse = tmp_path_factory.mktemp("alone") / "warehouse"
    build_ok(raw, warehouse)
    return postings(warehouse)


def build_args(raw: Path, warehouse: Path) -> list[str]:
    return ["build", "--raw", str(raw), "--warehouse", str(warehouse), "--no-embedded",
            "--processes", "1"]


def build_ok(raw: Path, warehouse: Path) -> None:
    done = etl(*build_args(raw, warehouse))
    _out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err


def postings(warehouse: Path) -> int:
    return json.loads((warehouse / "manifest.json").read_text())["row_counts"]["postings"]


def test_two_builds_at_once_never_break_each_other(raw, expected, tmp_path):
    warehouse = tmp_path / "warehouse"
    first, second = etl(*build_args(raw, warehouse)), etl(*build_args(raw, warehouse))
    results = [(*p.communicate(timeout=600), p.returncode) for p in (first, second)]
    results = [(code, out, err) for out, err, code in results]
    codes = sorted(code for code, _out, _err in results)
    assert codes in ([0, 0], [0, 1]), results
    for code, _out, err in results:
        assert "Traceback" not in err, err
        if code == 1:
            assert "is already running (pid " in err and "wait for it to finish" in err
    assert postings(warehouse) == expected
    # no build folder is left behind beside the current one
    leftovers = [p for p in tmp_path.glob(".warehouse-*") if p.resolve() != warehouse.resolve()]
    assert len(leftovers) <= 1  # at most the previous build, kept for open sessions


def test_a_refusal_names_a_holder_caught_before_it_wrote_its_pid(tmp_path):
    """The race CI once hit: the second build read the lock file between the first one's
    flock and its pid write, and refused without saying who holds the lock."""
    warehouse = tmp_path / "warehouse"
    path = lock_path(warehouse)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    writer = threading.Timer(0.3, os.pwrite, (fd, b"pid 4242, started 2026-12-03", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held, nothing written yet
        writer.start()
        with pytest.raises(BuildRunning, match=r"already running \(pid 4242, started 2026"):
            with build_lock(warehouse):
                pass
    finally:
        writer.join()
        os.close(fd)


def test_a_build_says_when_another_holds_the_lock_and_runs_once_it_is_killed(raw, expected,
                                                                            tmp_path):
    warehouse = tmp_path / "warehouse"
    build_ok(raw, warehouse)
    before = warehouse.resolve()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from etl.warehouse.lock import build_lock\n"
         "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(600)",
         str(warehouse)], cwd=PROJECT_ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = etl(*build_args(raw, warehouse))
        _out, err = refused.communicate(timeout=600)
        assert refused.returncode == 1
        assert f"error: a build of {warehouse} is already running (pid {holder.pid}" in err
        assert "Traceback" not in err
        assert warehouse.resolve() == before  # the previous warehouse untouched
        with pytest.raises(BuildRunning):
            with build_lock(warehouse):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the kernel drops a killed holder's lock: no stale lock file blocks the next build
    build_ok(raw, warehouse)
    assert warehouse.resolve() != before and postings(warehouse) == expected


def test_a_killed_build_leaves_the_previous_warehouse_and_the_lock_free(raw, expected, tmp_path):
    warehouse = tmp_path / "warehouse"
    build_ok(raw, warehouse)
    before = warehouse.resolve()
    victim = etl(*build_args(raw, warehouse))
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.glob(".warehouse-*") if p != before]:
        assert time.monotonic() < deadline and victim.poll() is None
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert warehouse.resolve() == before and postings(warehouse) == expected
    build_ok(raw, warehouse)


def test_a_killed_ingest_leaves_no_truncated_file_under_its_real_name(tmp_path):
    big = tmp_path / "in" / "postings.csv"
    big.parent.mkdir()
    row = "1,Backend Engineer,Python and PostgreSQL " + "x" * 900 + ",1700000000000\n"
    with big.open("w") as handle:
        handle.write("job_id,title,description,listed_time\n")
        handle.write(row * 120_000)  # about 110 MB: the copy takes long enough to be caught
    raw = tmp_path / "raw"
    ingest = etl("ingest", "--raw-root", str(raw), "linkedin", "--file", str(big))
    deadline = time.monotonic() + 300
    while not list(raw.rglob("*.part")):
        assert ingest.poll() is None, ingest.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.002)
    ingest.send_signal(signal.SIGKILL)
    ingest.wait()
    stored = [p for p in raw.rglob("*") if p.is_file()]
    assert all(p.name.startswith(".") and p.name.endswith(".part") for p in stored), stored
    assert not list(raw.rglob("postings.csv"))
    # the next ingest stores the whole file under its real name
    again = etl("ingest", "--raw-root", str(raw), "linkedin", "--file", str(big))
    _out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    (copy,) = raw.rglob("postings.csv")
    assert copy.stat().st_size == big.stat().st_size
