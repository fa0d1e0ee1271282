"""How much the several-roles pay rule changes on real postings: the share of pay figures read
from HN "Who is hiring?" postings (the archive and the stored threads) that differ with the rule
on and off (docs/salary.md).

    python -m etl.evaluate_salary [--shared PATH] [--limit N] [--examples N]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.evaluate import DEFAULT_SHARED
from etl.sources.hn import parse_header
from etl.text import html_to_text
from etl.transforms.normalize import currency_of, place_from_location, salary_from_text
from etl.transforms.salary import SalaryFigure


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.evaluate_salary",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="read at most N postings")
    parser.add_argument("--examples", type=int, default=0, help="list N changed postings")
    args = parser.parse_args(argv)
    if not (args.shared / "hn_archive").is_dir():
        parser.error(f"shared data folder not found: {args.shared}")
    print(report(rule_effect(hn_texts(args.shared), args.limit, args.examples)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
