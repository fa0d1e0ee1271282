"""`make bench`'s steady figures: instructions a posting, counted by valgrind's callgrind.

Timings on a shared 2-core machine wander by 10% from one run to the next, more than most single
speed changes gain; instruction counts do not (the same code on the same input counts the same
to within about 0.1%, whatever else runs, with Python's hash seed fixed and Polars on one
thread: 0.03% apart in the runs of the eighth pass, 0.05-0.09% in the eighteenth's).
Two counts, each the difference of a run on more input and one on less, so that start-up
(imports, the taxonomy's automata) drops out:

- **a worker's stage 1**: ``staged_piece`` (read, normalise, pay, tag, dedup keys) over the
  pieces of a synthetic sample, once and three times: instructions a posting;
- **``python -m etl tag``** on JSON lines of the real LinkedIn descriptions (../shared), 200
  lines and 2,000: instructions a line, JSON in and out included.

Prints figures and asserts nothing; says so and stops when valgrind is not installed.
Instructions are not time (a cache miss costs more than an addition), but a change that takes
instructions away from the same work is faster, and the count shows it in one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from etl.compile import interpreter
from etl.paths import PROJECT_ROOT

SAMPLE_POSTINGS = 2_000
SAMPLE_UNTIL = dt.date(2026, 11, 30)  # a fixed last month: the same sample on any day
PIECE_ROWS = 500
LINES = (200, 2_000)
_COLLECTED = re.compile(r"Collected : (\d+)")


def collected(report: str) -> int:
    """The instruction count in callgrind's report (its standard error)."""
    found = _COLLECTED.search(report)
    if found is None:
        raise ValueError(f"no instruction count in callgrind's report: {report[-500:]!r}")
    return int(found.group(1))


def per_unit(small: tuple[int, int], large: tuple[int, int]) -> float:
    """Instructions a unit from (units, instructions) of a small and a large run: what the
    large run counted beyond the small one, over the units it did beyond it."""
    units = large[0] - small[0]
    if units <= 0:
        raise ValueError(f"the large run must do more units than the small one: {small}, {large}")
    return (large[1] - small[1]) / units


def counted(argv: list[str], stdin: Path | None = None) -> int:
    """Instructions of one command run under callgrind (its output dropped), with Python's hash
    seed fixed: a random one changes the order of sets, and with it the count, from run to run
    (by 5% for a loop of 200,000 turns with start-up taken out)."""
    # one hash seed: the same sets, the same work; one Polars thread, as in a build's workers
    # (threads that run as the scheduler lets them do different work from run to run)
    env = {**os.environ, "PYTHONHASHSEED": "0", "POLARS_MAX_THREADS": "1"}
    with (stdin or Path(os.devnull)).open("rb") as given:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               *argv], stdin=given, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT, env=env,
                              check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed under valgrind: {done.stderr[-800:]}")
    return collected(done.stderr)


def stage1_passes(sample: Path, passes: int) -> int:
    """staged_piece over every piece of the sample, ``passes`` times, after one piece that fills
    the caches every pass finds filled (run by every count, so their difference drops it); the
    postings staged in the passes."""
    from etl.sources import sources
    from etl.warehouse import build as b

    source = sources()["sample"]
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    jobs = [(path, piece) for path in source.files(sample)
            for piece in source.read_pieces(path, PIECE_ROWS)]
    if jobs:
        b.staged_piece(source, jobs[0][1], jobs[0][0], jobs[0][0].name, at)
    return sum(b.staged_piece(source, piece, path, path.name, at).done.postings.num_rows
               for _ in range(passes) for path, piece in jobs)


def stage1_instructions(folder: Path, n: int = SAMPLE_POSTINGS) -> tuple[int, float]:
    """(postings a pass, instructions a posting) of a worker's stage 1 on a sample of n."""
    from etl.sample import write_sample

    sample = write_sample(folder / "sample", n=n, until=SAMPLE_UNTIL)
    postings = stage1_passes(sample, 1)
    runs = [(passes * postings, counted([sys.executable, "-m", "etl.bench_instructions",
                                         "--stage1-passes", str(passes), str(sample)]))
            for passes in (1, 3)]
    return postings, per_unit(*runs)


def tag_instructions(texts: list[str], folder: Path, lines: tuple[int, int] = LINES) -> float:
    """Instructions a line of `python -m etl tag` on JSON lines of the texts (repeated)."""
    from etl.evaluate import texts_as_lines

    runs = [(n, counted([sys.executable, "-m", "etl", "tag"],
                        stdin=texts_as_lines(texts, n, folder / f"lines-{n}.jsonl")))
            for n in lines]
    return per_unit(*runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.bench_instructions",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=SAMPLE_POSTINGS,
                        help="synthetic postings for the stage-1 count (default: %(default)s)")
    parser.add_argument("--shared", type=Path, default=None,
                        help="shared data folder with the LinkedIn sample "
                             "(default: ../shared/data)")
    parser.add_argument("--stage1-passes", nargs=2, metavar=("PASSES", "SAMPLE"),
                        help=argparse.SUPPRESS)  # what the count runs under valgrind
    args = parser.parse_args(argv)
    if args.stage1_passes:
        print(stage1_passes(Path(args.stage1_passes[1]), int(args.stage1_passes[0])))
        return 0
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed; no counts (Debian package valgrind)")
        return 0
    with tempfile.TemporaryDirectory(prefix="hiring-radar-instructions-") as tmp:
        postings, each = stage1_instructions(Path(tmp), args.n)
        # the counts depend on the interpreter's build as well as on the code
        # (docs/build_speed.md, "Twenty-second pass")
        ran_by = interpreter()
        print(f"instructions (callgrind, {ran_by}): a worker's stage 1 {each:,.0f} "
              f"a posting ({postings:,} synthetic postings a pass, three passes less one)")
        from etl.evaluate import DEFAULT_SHARED, LINKEDIN_SAMPLE, _linkedin

        linkedin = (args.shared or DEFAULT_SHARED) / LINKEDIN_SAMPLE
        if not linkedin.is_file():
            print(f"instructions: {linkedin} is absent; no count for `python -m etl tag`")
            return 0
        texts = list(_linkedin(linkedin).values())
        each = tag_instructions(texts, Path(tmp))
        print(f"instructions (callgrind, {ran_by}): `python -m etl tag` {each:,.0f} a line "
              f"({len(texts)} LinkedIn texts as JSON lines, {LINES[1]:,} lines less "
              f"{LINES[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
