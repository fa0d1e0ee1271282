"""Precision and recall of the requirement extractors on labelled real postings.

The labels (tests/eval/requirements_*_labels.jsonl) hold only references into the shared data
folder (source, file, posting id) and what a reader found; the texts are loaded at run time.
A prediction is positive when it is not the empty value (none_stated, false, null, unknown);
precision is the share of positive predictions equal to the label, recall the share of positive
labels predicted exactly (docs/requirements.md).

    python -m etl.evaluate_requirements [--shared PATH] [--labels PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

from etl.evaluate import DEFAULT_SHARED, PROJECT_ROOT, Score
from etl.evaluate import posting_text as labelled_text
from etl.text import html_to_text
from etl.transforms.requirements import Requirements, requirements_in

DEV_LABELS = PROJECT_ROOT / "tests" / "eval" / "requirements_dev_labels.jsonl"
FIELDS = ("degree", "degree_equivalent", "min_years_experience", "seniority", "employment_type")
EMPTY = {"degree": "none_stated", "degree_equivalent": False, "min_years_experience": None,
         "seniority": "unknown", "employment_type": "unknown"}


@dataclass
class FieldScore(Score):
    """Counts for one field (precision and recall as for the tagger): exact positives, wrong
    positives, missed labels, and a line for each error."""

    errors: list[str] = field(default_factory=list)


def posting_text(shared: Path, source: str, file: str, posting_id: str) -> str:
    """A labelled posting's plain text as the build sees it (HTML converted, title first)."""
    text = labelled_text(shared, source, file, posting_id)
    if source in ("hn_algolia", "hn_firebase"):  # HTML there; the archive is plain text already
        return html_to_text(text.replace("\\n", "\n"))
    return text


def load_labels(path: Path = DEV_LABELS) -> list[dict]:
    """Labelled references: source, file, id and the five fields."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [f for f in ("source", "file", "id", *FIELDS) if f not in row]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        rows.append(row)
    return rows


def score(labels: list[dict], predictions: list[Requirements]) -> dict[str, FieldScore]:
    """Per-field counts of labels against predictions (same order)."""
    scores = {f: FieldScore() for f in FIELDS}
    for label, found in zip(labels, predictions, strict=True):
        for name in FIELDS:
            truth, guess, s = label[name], getattr(found, name), scores[name]
            if guess != EMPTY[name]:
                if guess == truth:
                    s.tp += 1
                else:
                    s.fp += 1
            if truth != EMPTY[name] and guess != truth:
                s.fn += 1
            if guess != truth:
                s.errors.append(f"{label['source']}:{label['id']} label {truth!r} got {guess!r}")
    return scores


def evaluate(shared: Path, labels: list[dict]) -> dict[str, FieldScore]:
    """Scores of requirements_in on the labelled postings."""
    texts = [posting_text(shared, r["source"], r["file"], str(r["id"])) for r in labels]
    return score(labels, [requirements_in(t) for t in texts])


def report(scores: dict[str, FieldScore], n: int, name: str, verbose: bool = False) -> str:
    """Human-readable precision and recall per field."""
    lines = [f"requirements, {name}: {n} labelled postings"]
    for f, s in scores.items():
        lines.append(f"{f:<22} P {s.precision:.3f}  R {s.recall:.3f}  "
                     f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")
        if verbose:
            lines += [f"    {e}" for e in s.errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.evaluate_requirements",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--labels", type=Path, default=DEV_LABELS, help="labelled set (JSON Lines)")
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    if not (args.shared / "README.md").is_file():
        parser.error(f"shared data folder not found: {args.shared}")
    labels = load_labels(args.labels)
    print(report(evaluate(args.shared, labels), len(labels), args.labels.stem, args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
