"""The hard-case suite: policy sentences with the technologies they must and must not yield."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from etl.transforms.tagger import Tagger

CASES_PATH = Path(__file__).with_name("tagger_cases.toml")
CASES = tomllib.loads(CASES_PATH.read_text(encoding="utf-8"))["case"]


def test_suite_is_large_with_positives_and_negatives():
    assert len(CASES) >= 200
    assert sum(bool(c["expect"]) for c in CASES) >= 100
    assert sum(bool(c["forbid"]) for c in CASES) >= 100


def test_cases_name_known_technologies():
    names = {t.name for t in Tagger.default().technologies.values()}
    unknown = {n for c in CASES for n in c["expect"] + c["forbid"]} - names
    assert unknown == set()


@pytest.mark.parametrize("case", CASES, ids=[f"{c['group'][:12]}:{c['text'][:40]}" for c in CASES])
def test_case(case):
    found = {t.name for t in Tagger.default().technologies_in(case["text"])}
    assert {"missing": sorted(set(case["expect"]) - found),
            "forbidden": sorted(set(case["forbid"]) & found)} == {"missing": [], "forbidden": []}
