"""Pay read from real postings: how much the several-roles pay rule changes (the share of pay
figures read from HN "Who is hiring?" postings, the archive and the stored threads, that differ
with the rule on and off), and, with --labels, precision and recall of the pay the build reads
against labelled HN archive postings (docs/salary.md).

    python -m etl.evaluate_salary [--shared PATH] [--limit N] [--examples N]
    python -m etl.evaluate_salary --labels tests/eval/pay_dev_labels.jsonl [--verbose]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final

from etl.evaluate import DEFAULT_SHARED, PROJECT_ROOT, Score
from etl.sources.hn import SOURCE as HN
from etl.sources.hn import parse_header
from etl.text import html_to_text
from etl.transforms.normalize import (
    currency_of,
    place_from_location,
    posting_row,
    salary_from_text,
)
from etl.transforms.salary import SalaryFigure

DEV_LABELS = PROJECT_ROOT / "tests" / "eval" / "pay_dev_labels.jsonl"
# The labelled postings were drawn at random from three strata of the HN archive's 86,004
# postings, by what the pay reading of commit b8745b3 found in each: a pay figure, pay lines
# (a line with a pay word, currency sign or code) but no figure, no pay line at all. The
# archive's postings in each, to weigh the labelled ones into estimates for the whole archive.
STRATA: Final = {"figure": 7_326, "pay_lines": 16_531, "no_pay_lines": 62_147}
PERIODS: Final = ("hour", "day", "week", "month", "year")
CLOSE: Final = 0.10  # "close": the same currency and period, midpoints within 10%
_READ_AT: Final = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)  # after the archive's last month


@dataclass
class RuleEffect:
    """Counts of one corpus: postings, postings with pay, and those the rule changed."""

    postings: int = 0
    with_pay: int = 0
    changed: int = 0
    pooled: int = 0  # several engineering roles pooled
    left_out: int = 0  # other roles' figures left out
    examples: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.changed / self.with_pay if self.with_pay else 0.0


def hn_texts(shared: Path) -> Iterator[tuple[str, str, str]]:
    """(corpus, posting id, plain text) of every HN posting in the shared folder."""
    for path in sorted((shared / "hn_archive").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for row in map(json.loads, fh):
                if row.get("text"):
                    yield "hn_archive", str(row["id"]), row["text"]
    thread = json.loads((shared / "hn" / "algolia_item_2396027_april_2011.json").read_text())
    for child in thread["children"]:
        if child.get("text"):
            yield "hn_threads", str(child["id"]), html_to_text(child["text"].replace("\\n", "\n"))
    seen = set()
    for path in sorted((shared / "hn").glob("firebase_items_run_*.json")):
        for job in json.loads(path.read_text(encoding="utf-8"))["jobs"]:
            if job.get("text") and job["id"] not in seen:
                seen.add(job["id"])
                yield "hn_threads", str(job["id"]), html_to_text(job["text"])


def _key(figure: SalaryFigure | None) -> tuple | None:
    return None if figure is None else (figure.min, figure.max, figure.currency, figure.period)


def rule_effect(texts: Iterator[tuple[str, str, str]], limit: int | None = None,
                examples: int = 0) -> dict[str, RuleEffect]:
    """Per corpus: the pay figure each posting gets with the several-roles rule and without."""
    effects: dict[str, RuleEffect] = {}
    for number, (corpus, posting_id, text) in enumerate(texts):
        if limit is not None and number >= limit:
            break
        effect = effects.setdefault(corpus, RuleEffect())
        effect.postings += 1
        header = parse_header(text.split("\n", 1)[0], text)
        currency = currency_of(place_from_location(header.get("location_raw")).country)
        with_rule = salary_from_text(header.get("salary_text"), text, currency)
        without = salary_from_text(header.get("salary_text"), text, currency, multi_role=False)
        if with_rule is None and without is None:
            continue
        effect.with_pay += 1
        if _key(with_rule) != _key(without):
            effect.changed += 1
            effect.pooled += bool(with_rule and with_rule.roles > 1)
            effect.left_out += bool(with_rule and with_rule.left_out)
            if len(effect.examples) < examples:
                effect.examples.append(f"{posting_id}: {_key(without)} -> {_key(with_rule)}")
    return effects


def report(effects: dict[str, RuleEffect]) -> str:
    """One line per corpus and a total."""
    total = RuleEffect()
    lines = ["several-roles pay rule: pay figures that change with the rule on"]
    for corpus, e in [*effects.items(), ("total", total)]:
        if corpus != "total":
            for name in ("postings", "with_pay", "changed", "pooled", "left_out"):
                setattr(total, name, getattr(total, name) + getattr(e, name))
        lines.append(f"{corpus:<11} postings {e.postings:>6}  with pay {e.with_pay:>6}  "
                     f"changed {e.changed:>5} ({e.share:.2%}; pooled several engineering roles "
                     f"{e.pooled}, other roles left out {e.left_out})")
        lines += [f"    {x}" for x in e.examples]
    return "\n".join(lines)


# --- precision and recall on labelled postings ---------------------------------------------------

def load_pay_labels(path: Path = DEV_LABELS) -> list[dict]:
    """Labelled references: source (hn_archive), file, id, stratum and pay (None, or min, max,
    currency and period)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [f for f in ("source", "file", "id", "stratum", "pay") if f not in row]
        pay = row.get("pay")
        if not missing and pay is not None:
            missing = [f for f in ("min", "max", "currency", "period") if f not in pay]
        if missing:
            raise ValueError(f"{path}:{number}: missing {', '.join(missing)}")
        if row["source"] != "hn_archive" or row["stratum"] not in STRATA:
            raise ValueError(f"{path}:{number}: source must be hn_archive and stratum one of "
                             f"{', '.join(STRATA)}")
        if pay is not None and (pay["period"] not in PERIODS or pay["min"] > pay["max"]):
            raise ValueError(f"{path}:{number}: pay needs a period of {', '.join(PERIODS)} and "
                             "min <= max")
        rows.append(row)
    return rows


@cache
def _archive_rows(path: Path) -> dict[str, dict]:
    """Staging rows of one HN archive month file by posting id, as the build's HN source reads
    them."""
    return {row["source_id"]: row for row in HN.read_file(path, str(path))
            if isinstance(row, dict)}


def pay_read(shared: Path, file: str, posting_id: str) -> dict | None:
    """The pay the build gives a posting of the shared HN archive (min, max, currency, period of
    its warehouse row), None when it reads none."""
    rows = _archive_rows(Path(shared) / file)
    if posting_id not in rows:
        raise KeyError(f"hn_archive posting {posting_id} not found in {file}")
    row = posting_row(rows[posting_id], HN.name, _READ_AT)
    if row["salary_min"] is None:
        return None
    return {"min": row["salary_min"], "max": row["salary_max"],
            "currency": row["salary_currency"], "period": row["salary_period"]}


def close(found: dict, truth: dict, tolerance: float = CLOSE) -> bool:
    """The same currency and period, and midpoints within ``tolerance`` of the label's."""
    if (found["currency"], found["period"]) != (truth["currency"], truth["period"]):
        return False
    mid_found, mid_truth = (found["min"] + found["max"]) / 2, (truth["min"] + truth["max"]) / 2
    return abs(mid_found - mid_truth) <= tolerance * mid_truth


@dataclass
class PayScore:
    """Counts, and the same weighted by stratum (estimates for the whole archive), of three
    judgements: pay read at all (``stated``), the figure exactly the label's (``exact``: min,
    max, currency and period), and close to it (``close``); with a line for each error."""

    stated: Score = field(default_factory=Score)
    exact: Score = field(default_factory=Score)
    close: Score = field(default_factory=Score)
    weighted: dict[str, list[float]] = field(default_factory=dict)  # name: [tp, fp, fn]
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, predicted: bool, labelled: bool, right: bool, weight: float) -> None:
        score, counts = getattr(self, name), self.weighted.setdefault(name, [0.0, 0.0, 0.0])
        if predicted and right:
            score.tp += 1
            counts[0] += weight
        elif predicted:
            score.fp += 1
            counts[1] += weight
        if labelled and not (predicted and right):
            score.fn += 1
            counts[2] += weight

    def estimate(self, name: str) -> tuple[float, float]:
        """Precision and recall over the whole archive (strata weighted by their size)."""
        tp, fp, fn = self.weighted.get(name, [0.0, 0.0, 0.0])
        return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def score_pay(labels: list[dict], found: list[dict | None]) -> PayScore:
    """Labels against the pay read (same order)."""
    drawn = {name: sum(1 for r in labels if r["stratum"] == name) for name in STRATA}
    result = PayScore()
    for label, guess in zip(labels, found, strict=True):
        truth, weight = label["pay"], STRATA[label["stratum"]] / drawn[label["stratum"]]
        both = guess is not None and truth is not None
        result.add("stated", guess is not None, truth is not None, truth is not None, weight)
        result.add("exact", guess is not None, truth is not None, both and guess == truth, weight)
        result.add("close", guess is not None, truth is not None,
                   both and close(guess, truth), weight)
        if guess != truth:
            result.errors.append(f"{label['file']}:{label['id']} ({label['stratum']}) label "
                                 f"{_short(truth)} got {_short(guess)}")
    return result


def _short(pay: dict | None) -> str:
    if pay is None:
        return "none"
    return f"{pay['min']:,.0f}-{pay['max']:,.0f} {pay['currency']}/{pay['period']}"


def pay_report(path: Path, labels: list[dict], result: PayScore, verbose: bool = False) -> str:
    """Per judgement: precision and recall on the labelled postings and estimated for the
    archive."""
    with_pay = sum(1 for r in labels if r["pay"] is not None)
    lines = [f"pay read from text: {path.name}, {len(labels)} postings ({with_pay} with pay)"]
    for name, what in (("stated", "pay read at all"), ("exact", "figure exact"),
                       ("close", f"figure within {CLOSE:.0%}")):
        s = getattr(result, name)
        p, r = result.estimate(name)
        lines.append(f"  {what:<18} precision {s.precision:6.1%}  recall {s.recall:6.1%}  "
                     f"(tp {s.tp}, fp {s.fp}, fn {s.fn}); archive estimate precision {p:6.1%}  "
                     f"recall {r:6.1%}")
    if verbose:
        lines += [f"    {e}" for e in result.errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.evaluate_salary",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="read at most N postings")
    parser.add_argument("--examples", type=int, default=0, help="list N changed postings")
    parser.add_argument("--labels", type=Path, default=None,
                        help="precision and recall on these labelled postings instead "
                             "(tests/eval/pay_*_labels.jsonl)")
    parser.add_argument("--verbose", action="store_true", help="with --labels: every error")
    args = parser.parse_args(argv)
    if not (args.shared / "hn_archive").is_dir():
        parser.error(f"shared data folder not found: {args.shared}")
    if args.labels is not None:
        labels = load_pay_labels(args.labels)
        found = [pay_read(args.shared, r["file"], r["id"]) for r in labels]
        print(pay_report(args.labels, labels, score_pay(labels, found), args.verbose))
        return 0
    print(report(rule_effect(hn_texts(args.shared), args.limit, args.examples)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
