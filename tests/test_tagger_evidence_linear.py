"""Risky names accepted along a list: the evidence passes do linear work, not a pass per name
(work counted by the tagger itself: each judgement of a pending name's evidence)."""

from __future__ import annotations

import pytest

from etl.transforms.tagger import TAXONOMY_PATH, Tagger


def _judged(text: str) -> tuple[int, dict[str, str]]:
    tagger = Tagger.from_file(TAXONOMY_PATH)
    mentions = tagger.mentions(text)
    return tagger.work["evidence"], {m.technology.id: m.rule for m in mentions}


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_a_list_of_risky_names_is_judged_in_linear_work(n):
    """'Go, Go, ..., Python': each Go is evidence for the one before it, right to left."""
    judged, rules = _judged("Go, " * n + "Python")
    assert set(rules) == {"go", "python"}
    assert judged <= 3 * n + 3, judged


def test_a_service_is_judged_again_once_its_cloud_is_named():
    judged, rules = _judged("We use Lambda functions and Go, Node, Express; hosted on AWS.")
    assert rules["lambda"] == "context rule lambda: AWS in the posting"
    assert judged <= 12, judged
