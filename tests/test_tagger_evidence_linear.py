"""Risky names accepted along a list: the evidence passes do linear work, not a pass per name."""

from __future__ import annotations

import pytest

from etl.transforms.tagger import Tagger


def _evidence_calls(monkeypatch, text: str) -> tuple[int, list]:
    tagger = Tagger.default()
    calls = 0
    original = Tagger._evidence

    def counted(self, *args, **kwargs):
        nonlocal calls
        calls += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Tagger, "_evidence", counted)
    mentions = tagger.mentions(text)
    return calls, mentions


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_a_list_of_risky_names_is_judged_in_linear_work(monkeypatch, n):
    """'Go, Go, ..., Python': each Go is evidence for the one before it, right to left."""
    calls, mentions = _evidence_calls(monkeypatch, "Go, " * n + "Python")
    assert {m.technology.id for m in mentions} == {"go", "python"}
    assert calls <= 3 * n + 3, calls


def test_a_cloud_named_late_still_lets_its_services_count(monkeypatch):
    """A service that needs its cloud is judged again once the cloud is accepted."""
    calls, mentions = _evidence_calls(
        monkeypatch, "We use Lambda functions and Go, Node, Express; hosted on AWS.")
    rules = {m.technology.id: m.rule for m in mentions}
    assert rules["lambda"] == "context rule lambda: AWS in the posting"
    assert calls <= 12, calls
