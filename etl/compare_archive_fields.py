"""Our HN header parsing against the fields the HN archive's own LLM extracted, field by field.

The archive (../shared/data/hn_archive/YYYY-MM.jsonl.gz, one posting a line) carries the plain
text of each posting and a third party's estimates of its company, roles, location, remote type,
pay and job type. Those estimates are a peer, never ground truth: this script measures how often
the two readings agree, so that the disagreements can be read and the side that is wrong fixed.

Our side is the pipeline a user runs: the header parser of etl/sources/hn.py on the first line,
then etl/transforms/normalize.py (country and city from the location, remote from the text when
the header is silent, pay from the header or the body's pay lines).

    python -m etl.compare_archive_fields [--shared PATH] [--months 2012-12:2026-03]
    python -m etl.compare_archive_fields --disagreements remote --sample 20 --seed 8

Skips cleanly (exit 0, a message) when the archive folder is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from etl.sources.base import RecordProblem
from etl.sources.hn import parse_header
from etl.transforms.normalize import place_from_location, posting_row

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = PROJECT_ROOT.parent / "shared" / "data"
ARCHIVE_DIR = "hn_archive"
FIELDS = ("company", "title", "remote", "country", "employment", "pay_present", "currency",
          "bounds")
ERAS = (("2012-2015", 2012, 2015), ("2016-2019", 2016, 2019), ("2020-2022", 2020, 2022),
        ("2023-2026", 2023, 2026))
_EMPLOYMENT = {"full-time": "full_time", "part-time": "part_time", "contract": "contract",
               "intern": "internship"}
_NAME_NOISE = re.compile(r"\(.*?\)|\b(?:inc|llc|ltd|gmbh|corp|co|the|hq)\b|[^\w]", re.IGNORECASE)


# ------------------------------------------------------------------ reading the archive

def archive_files(shared: Path, months: tuple[str, str] | None = None) -> list[Path]:
    """The archive's month files (YYYY-MM.jsonl.gz), optionally within [first, last] months."""
    files = sorted((Path(shared) / ARCHIVE_DIR).glob("*.jsonl*"))
    if months:
        files = [f for f in files if months[0] <= f.name[:7] <= months[1]]
    return files


def archive_postings(files: Iterable[Path]) -> Iterator[tuple[str, dict]]:
    """(month, posting) for every line of the archive's month files (gzipped or not)."""
    for path in files:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield path.name[:7], json.loads(line)


# ------------------------------------------------------------------ our reading

def our_fields(text: str, ts: int) -> dict:
    """The fields our pipeline reads from one posting's plain text (header line first)."""
    staging = parse_header(text.split("\n", 1)[0], text)
    staging.update(source_id="x", description=text,
                   posted_date=dt.datetime.fromtimestamp(ts, dt.UTC).date())
    try:
        return posting_row(staging, "hn", dt.datetime.now(dt.UTC))
    except RecordProblem:  # no usable row: nothing read
        return {}


# ------------------------------------------------------------------ comparing

def company_key(name: str | None) -> str:
    """A company name reduced for comparison ("Acme, Inc. (YC W20)" -> "acme")."""
    return _NAME_NOISE.sub("", (name or "").lower())


def field_pairs(ours: dict, theirs: dict) -> dict[str, tuple[object, object]]:
    """(our value, the archive's value) per compared field; None where a side says nothing."""
    their_country = place_from_location(theirs.get("location")).country
    our_remote = ours.get("remote")
    our_pay = ours.get("salary_min") is not None or ours.get("salary_max") is not None
    their_pay = theirs.get("salary_min") is not None or theirs.get("salary_max") is not None
    pairs = {
        "company": (company_key(ours.get("company")) or None,
                    company_key(theirs.get("company")) or None),
        "title": (ours.get("title"), theirs.get("roles") or None),
        "remote": (None if our_remote in (None, "unknown") else our_remote,
                   theirs.get("remote_type")),
        "country": (ours.get("country"), their_country),
        "employment": (None if ours.get("employment_type") in (None, "unknown")
                       else ours["employment_type"],
                       _EMPLOYMENT.get(theirs.get("job_type") or "")),
        "pay_present": (our_pay, their_pay),
        "currency": ((ours.get("salary_currency") if our_pay else None),
                     (theirs.get("salary_currency") if their_pay else None)),
        "bounds": (((ours.get("salary_min"), ours.get("salary_max")) if our_pay else None),
                   ((theirs.get("salary_min"), theirs.get("salary_max")) if their_pay else None)),
    }
    return pairs


def agrees(name: str, ours: object, theirs: object) -> bool:
    """Whether two values of a field agree (both given); titles match by containment."""
    if name == "title":
        mine = (ours or "").lower()
        return any(r and (r.lower() in mine or mine in r.lower()) for r in theirs)
    if name == "company":
        return ours in theirs or theirs in ours
    if name == "bounds":
        return all(_close(a, b) for a, b in zip(_filled(ours), _filled(theirs), strict=True))
    return ours == theirs


def _filled(bounds) -> tuple[float, float]:
    lo, hi = bounds
    lo = hi if lo is None else lo
    hi = lo if hi is None else hi
    return float(lo), float(hi)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1.0)


@dataclass
class Tally:
    """Counts of one field: both sides give a value (and agree), only one side gives one."""

    both: int = 0
    agree: int = 0
    only_ours: int = 0
    only_theirs: int = 0
    disagreements: list[tuple] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agree / self.both if self.both else 1.0


def compare(postings: Iterable[tuple[str, dict]]) -> dict[str, dict[str, Tally]]:
    """Tallies per era ("all" and each era) and field over archive postings."""
    tallies = {era: {f: Tally() for f in FIELDS} for era in ["all", *(e[0] for e in ERAS)]}
    for month, posting in postings:
        ours = our_fields(posting.get("text") or "", posting["ts"])
        era = next(e for e, first, last in ERAS if first <= int(month[:4]) <= last)
        for name, (mine, theirs) in field_pairs(ours, posting).items():
            for key in ("all", era):
                _count(tallies[key][name], name, mine, theirs, month, posting)
    return tallies


def _count(tally: Tally, name: str, mine, theirs, month: str, posting: dict) -> None:
    if name == "pay_present":  # a yes/no field: every posting has both values
        tally.both += 1
        if mine == theirs:
            tally.agree += 1
        else:
            tally.disagreements.append((month, posting["id"], mine, theirs, _head(posting)))
        return
    if mine is None and theirs is None:
        return
    if mine is None:
        tally.only_theirs += 1
    elif theirs is None:
        tally.only_ours += 1
    else:
        tally.both += 1
        if agrees(name, mine, theirs):
            tally.agree += 1
        else:
            tally.disagreements.append((month, posting["id"], mine, theirs, _head(posting)))


def _head(posting: dict, limit: int = 100) -> str:
    """The first characters of a posting's header line, to read a disagreement by."""
    return (posting.get("text") or "").split("\n", 1)[0][:limit]


def table(tallies: dict[str, dict[str, Tally]]) -> str:
    """Markdown table: agreement where both sides give a value, per field and era."""
    eras = list(tallies)
    lines = ["| field | " + " | ".join(eras) + " | both give a value (all) | only ours | "
             "only archive |", "|---" * (len(eras) + 4) + "|"]
    for name in FIELDS:
        cells = [f"{tallies[e][name].agreement:.3f}" for e in eras]
        total = tallies["all"][name]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {total.both:,} | {total.only_ours:,} | {total.only_theirs:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.compare_archive_fields",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--months", default=None, metavar="FIRST:LAST",
                        help="only these archive months, e.g. 2012-12:2017-12")
    parser.add_argument("--disagreements", choices=FIELDS, default=None,
                        help="also list a seeded random sample of this field's disagreements")
    parser.add_argument("--era", default="all", help="era of the disagreements listed")
    parser.add_argument("--sample", type=int, default=20, help="disagreements listed")
    parser.add_argument("--seed", type=int, default=8, help="seed of the sample")
    args = parser.parse_args(argv)
    months = tuple(args.months.split(":")) if args.months else None
    files = archive_files(args.shared, months) if (args.shared / ARCHIVE_DIR).is_dir() else []
    if not files:
        print(f"skipped: no HN archive files under {args.shared / ARCHIVE_DIR}")
        return 0
    tallies = compare(archive_postings(files))
    print(f"HN archive: {len(files)} month files; agreement where both sides give a value")
    print(table(tallies))
    if args.disagreements:
        found = tallies[args.era][args.disagreements].disagreements
        picked = random.Random(args.seed).sample(found, min(args.sample, len(found)))
        print(f"\n{args.disagreements} disagreements ({args.era}): {len(found):,}, "
              f"{len(picked)} drawn with seed {args.seed}: month, HN id, ours, archive, header")
        for month, item, mine, theirs, head in sorted(picked, key=lambda r: (r[0], r[1])):
            print(f"  {month} {item} ours={mine!r} archive={theirs!r}\n      {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
