"""Precision, recall and speed of the tagger on the labelled development set.

The labels (tests/eval/dev_labels.jsonl) hold only references into the shared data folder and the
technologies a reader found; the posting texts are loaded from that folder at run time.

    python -m etl.evaluate [--shared PATH] [--labels PATH] [--verbose]
    python -m etl.evaluate --bench [--texts labelled|linkedin] [--shared PATH] [--n 20000]
    python -m etl.evaluate --bench --command ...   (through `python -m etl tag` on a file)
    python -m etl.evaluate --draw 160 --months 2012-12:2017-12 --seed 2017   (era sample refs)
    python -m etl.evaluate --draw 100 --months 2018-01:2024-12 --seed 2018   (fresh audit refs)

Label sources: hn_firebase and hn_algolia (files of ../shared/data/hn), linkedin, adzuna, and
hn_archive (a month file of ../shared/data/hn_archive, one posting a JSON line; its plain text).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from etl.compile import tagger_runs
from etl.transforms.tagger import JUDGED_CATEGORIES, Tagger

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_LABELS = PROJECT_ROOT / "tests" / "eval" / "dev_labels.jsonl"
LINKEDIN_SAMPLE = "linkedin_arshkon/postings_sample_500.csv"
AMBIGUOUS_TERMS = ("go", "r", "c", "swift", "rust", "ruby", "dart", "julia", "scala", "elixir",
                   "typescript", "javascript", "sql", "oracle_db", "cassandra", "elasticsearch",
                   "aurora", "snowflake", "render", "azure", "aws", "gcp")


@dataclass(frozen=True)
class Labelled:
    """One labelled posting: where its text is, and the true technologies per category."""

    source: str
    file: str
    id: str
    truth: dict[str, frozenset[str]]
    note: str = ""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# ------------------------------------------------------------------ loading texts

@cache
def _hn_firebase(path: Path) -> dict[str, str]:
    jobs = json.loads(path.read_text(encoding="utf-8"))["jobs"]
    return {str(job["id"]): job.get("text") or "" for job in jobs}


@cache
def _hn_algolia(path: Path) -> dict[str, str]:
    thread = json.loads(path.read_text(encoding="utf-8"))
    return {str(c["id"]): c.get("text") or "" for c in thread["children"]}


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@cache
def _linkedin(path: Path) -> dict[str, str]:
    return {row["job_id"]: f"{row['title']}\n\n{row['description']}" for row in _csv_rows(path)}


@cache
def _adzuna(path: Path) -> dict[str, str]:
    return {row["id"]: f"{row['title']}\n\n{row['description']}" for row in _csv_rows(path)}


@cache
def _hn_archive(path: Path) -> dict[str, str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {str(row["id"]): row.get("text") or "" for row in rows}


_LOADERS = {"hn_firebase": _hn_firebase, "hn_algolia": _hn_algolia,
            "linkedin": _linkedin, "adzuna": _adzuna, "hn_archive": _hn_archive}


def draw_archive_sample(shared: Path, first: str, last: str, n: int, seed: int) -> list[dict]:
    """References (source, file, id) of n archive postings drawn at random from months
    [first, last]: every posting of those months equally likely, in the order drawn."""
    files = sorted(f for f in (Path(shared) / "hn_archive").glob("*.jsonl*")
                   if first <= f.name[:7] <= last)
    population = [(f"hn_archive/{f.name}", post_id)
                  for f in files for post_id in sorted(_hn_archive(f), key=int)]
    drawn = random.Random(seed).sample(population, n)
    return [{"source": "hn_archive", "file": file, "id": post_id} for file, post_id in drawn]


def posting_text(shared: Path, source: str, file: str, posting_id: str) -> str:
    """The text of one posting in the shared folder ("title\\n\\nbody" where there is a title)."""
    texts = _LOADERS[source](Path(shared) / file)
    if posting_id not in texts:
        raise KeyError(f"{source} posting {posting_id} not found in {file}")
    return texts[posting_id]


def load_labels(path: Path = DEFAULT_LABELS) -> list[Labelled]:
    """The labelled development set."""
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [c for c in JUDGED_CATEGORIES if c not in row]
        if missing:
            raise ValueError(f"{path}:{line_no}: no labels for {missing}")
        truth = {c: frozenset(row[c]) for c in JUDGED_CATEGORIES}
        out.append(Labelled(row["source"], row["file"], str(row["id"]), truth, row.get("note", "")))
    return out


# ------------------------------------------------------------------ scoring

def predicted(tagger: Tagger, text: str) -> dict[str, frozenset[str]]:
    """Display names the tagger finds in text, per judged category."""
    techs = tagger.technologies_in(text)
    return {c: frozenset(t.name for t in techs if t.category == c) for c in JUDGED_CATEGORIES}


def _add(score: Score, ref: str, truth: frozenset[str], found: frozenset[str]) -> None:
    score.tp += len(truth & found)
    score.fp += len(found - truth)
    score.fn += len(truth - found)
    score.false_positives += [(ref, name) for name in sorted(found - truth)]
    score.false_negatives += [(ref, name) for name in sorted(truth - found)]


def evaluate(tagger: Tagger, shared: Path, labels: Iterable[Labelled]) -> tuple[
        dict[str, Score], dict[str, Score]]:
    """Micro-averaged scores per judged category and per ambiguous term."""
    per_category = {c: Score() for c in JUDGED_CATEGORIES}
    names = {tagger.technologies[t].name: t for t in AMBIGUOUS_TERMS}
    per_term = {t: Score() for t in AMBIGUOUS_TERMS}
    for item in labels:
        found = predicted(tagger, posting_text(shared, item.source, item.file, item.id))
        ref = f"{item.source}:{item.id}"
        for category in JUDGED_CATEGORIES:
            _add(per_category[category], ref, item.truth[category], found[category])
        all_truth = frozenset().union(*item.truth.values())
        all_found = frozenset().union(*found.values())
        for name, term in names.items():
            _add(per_term[term], ref, all_truth & {name}, all_found & {name})
    return per_category, per_term


def _line(label: str, score: Score) -> str:
    return (f"{label:<16} P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  "
            f"(tp {score.tp}, fp {score.fp}, fn {score.fn})")


def report(per_category: dict[str, Score], per_term: dict[str, Score], n: int,
           verbose: bool, label_set: str = "development set") -> str:
    """Human-readable report of an evaluation."""
    lines = [f"{label_set}: {n} labelled postings", "", "per category:"]
    lines += [_line(c, s) for c, s in per_category.items()]
    lines += ["", "per ambiguous term:"]
    lines += [_line(t, s) for t, s in per_term.items() if s.tp + s.fp + s.fn]
    if verbose:
        for category, score in per_category.items():
            lines += ["", f"{category} false positives:"]
            lines += [f"  {ref}  {name}" for ref, name in score.false_positives]
            lines += [f"{category} false negatives:"]
            lines += [f"  {ref}  {name}" for ref, name in score.false_negatives]
    return "\n".join(lines)


# ------------------------------------------------------------------ speed

def bench(tagger: Tagger, texts: list[str], n: int = 20_000) -> float:
    """Postings per second of technologies_in over texts repeated to n postings, one core.
    Measured in CPU time of this single-threaded process, so other jobs on the machine do
    not count against it."""
    corpus = (texts * (n // len(texts) + 1))[:n]
    began = time.process_time()
    for text in corpus:
        tagger.technologies_in(text)
    return n / (time.process_time() - began)


def texts_as_lines(texts: list[str], n: int, path: Path) -> Path:
    """path, written with n JSON lines {"id", "text"} of the texts (repeated), as `python -m etl
    tag` reads them."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")
    return path


def bench_command(texts: list[str], n: int = 20_000) -> tuple[int, float, float]:
    """`python -m etl tag` as a user runs it, on a file of the texts repeated to n JSON lines
    {"id", "text"}, its answers written to a file: (lines answered with technologies, wall
    seconds, CPU seconds of the command). Start-up, reading and writing JSON included."""
    with tempfile.TemporaryDirectory(prefix="hiring-radar-tag-") as tmp:
        given = texts_as_lines(texts, n, Path(tmp) / "texts.jsonl")
        answers = Path(tmp) / "tags.jsonl"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        with given.open("rb") as stdin, answers.open("wb") as stdout:
            subprocess.run([sys.executable, "-m", "etl", "tag"], stdin=stdin, stdout=stdout,
                           cwd=PROJECT_ROOT, check=True)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        with answers.open(encoding="utf-8") as lines:
            answered = sum(1 for line in lines if "technologies" in json.loads(line))
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return answered, wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.evaluate",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--verbose", action="store_true", help="list false positives/negatives")
    parser.add_argument("--bench", action="store_true", help="measure postings per second")
    parser.add_argument("--n", type=int, default=20_000, help="postings in the benchmark")
    parser.add_argument("--texts", choices=("labelled", "linkedin"), default="labelled",
                        help="benchmark texts: the labelled postings, or the 500 real LinkedIn "
                             "descriptions (title and body) of the shared folder")
    parser.add_argument("--command", action="store_true",
                        help="with --bench: time `python -m etl tag` on a file of the texts "
                             "(start-up, JSON in and out included), as a user runs it")
    parser.add_argument("--draw", type=int, default=None, metavar="N",
                        help="print references of N archive postings drawn at random (to label)")
    parser.add_argument("--months", default="2012-12:2017-12", metavar="FIRST:LAST",
                        help="archive months of --draw (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2017, help="seed of --draw")
    args = parser.parse_args(argv)
    if not (args.shared / "README.md").is_file():
        parser.error(f"shared data folder not found: {args.shared}")
    if args.draw:
        first, last = args.months.split(":")
        for ref in draw_archive_sample(args.shared, first, last, args.draw, args.seed):
            print(json.dumps(ref))
        return 0
    tagger = Tagger.default()
    labels = load_labels(args.labels)
    if args.bench:
        if args.texts == "linkedin":
            texts = list(_linkedin(args.shared / LINKEDIN_SAMPLE).values())
        else:
            texts = [posting_text(args.shared, x.source, x.file, x.id) for x in labels]
        chars = sum(map(len, texts)) / len(texts)
        if args.command:
            answered, wall, cpu = bench_command(texts, args.n)
            print(f"{answered / wall:,.0f} postings/s through `python -m etl tag` on a file of "
                  f"{answered:,} JSON lines, wall time with start-up ({wall:.2f} s; "
                  f"{answered / cpu:,.0f}/s of its CPU time): {len(texts)} {args.texts} texts of "
                  f"{chars:,.0f} characters on average, repeated; tagger {tagger.version}, "
                  f"{tagger_runs()}")
            return 0
        rate = bench(tagger, texts, args.n)
        print(f"{rate:,.0f} postings/s on one core, CPU time ({args.n:,} postings: {len(texts)} "
              f"{args.texts} texts of {chars:,.0f} characters on average, repeated; "
              f"tagger {tagger.version}, {tagger_runs()})")
        return 0
    per_category, per_term = evaluate(tagger, args.shared, labels)
    print(f"tagger {tagger.version}")
    print(report(per_category, per_term, len(labels), args.verbose, f"{args.labels.name}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
