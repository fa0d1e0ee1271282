"""Caseless patterns (etl/transforms/caseless.py) find what IGNORECASE finds, at the same spans.

A Caseless pattern matches its lowered source over the lowered text where the text lowers
safely (ASCII, or its other characters have no case) and the IGNORECASE pattern elsewhere. These
tests check the lowering of sources, which texts take the lowered way, and the spans of the
project's Caseless patterns against IGNORECASE on generated texts in mixed case.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.transforms import requirements, tagger
from etl.transforms.caseless import Caseless, lowered_source, lowers_safely
from etl.transforms.tagger import Tagger, _window_pattern
from tests.regex_strings import matched_strings


@pytest.mark.parametrize(("source", "lowered"), [
    (r"\bOTE\b|USD", r"\bote\b|usd"),
    (r"^\s*[A-Z][a-z]+\S\W\D\B", r"^\s*[a-z][a-z]+\S\W\D\B"),  # escapes keep their case
    (r"(?P<Hour>HOURLY)(?P=Hour)", r"(?P<Hour>hourly)(?P=Hour)"),  # so do group names
    (r"[]A-Z][^]B][-C][D-]", r"[]a-z][^]b][-c][d-]"),  # "]" and "-" as class members
    (r"(?:Vergütung|Ü)(?=X)(?<!Y)", r"(?:vergütung|Ü)(?=x)(?<!y)"),  # only ASCII is lowered
])
def test_a_source_is_lowered_outside_escapes_and_group_names(source, lowered):
    assert lowered_source(source) == lowered


@pytest.mark.parametrize("source", [
    r"\x41", r"\u0041", r"\N{LATIN CAPITAL LETTER A}", r"(a)\1", r"\101",  # may name a capital
    r"(?-i:[a-z])", r"(?i)a", r"(?ix:a)",  # case sensitivity set inside
    r"[A-z]", r"[0-Z]", r"[Z-a]",  # a range from a capital to another kind of character
    "\u212a", "\u017f", "\u0131", "\u0130",  # IGNORECASE matches these to k, s, i
])
def test_a_source_that_cannot_be_lowered_is_refused(source):
    with pytest.raises(ValueError):
        lowered_source(source)
    with pytest.raises(ValueError):
        Caseless(source)


def test_which_texts_lower_safely():
    assert lowers_safely("Senior Engineer")
    assert lowers_safely("Senior Engineer – €90k “remote” • 🚀")  # no case beyond ASCII
    assert lowers_safely("")
    for text in ("Ingénieur", "ÉCOLE", "Straße", "\u212a", "\u017fenior", "\u0131", "İNTERN",
                 "ΣΟΦΙΑ"):
        assert not lowers_safely(text), text


def test_the_lowered_way_is_taken_only_where_the_text_lowers_safely():
    pattern = Caseless(r"senior")
    assert pattern.over("A SENIOR – role") == (pattern.lowered, "a senior – role")
    assert pattern.over("Ein SENIOR für") == (pattern.any_text, "Ein SENIOR für")
    assert pattern.search("\u017fenior").span() == (0, 6)  # the long s, as IGNORECASE sees it


TAGGER_PATTERNS = ("_NEGATION", "_NEGATION_EXCEPTION", "_COMPARISON_BEFORE")


def _project_patterns() -> list[Caseless]:
    """The requirement extractors' Caseless rules and the tagger's window patterns."""
    rules = requirements._rules()
    return [*(rule for rule in rules.values() if isinstance(rule, Caseless)),
            *(getattr(tagger, name) for name in TAGGER_PATTERNS)]


def test_the_project_holds_caseless_patterns():
    names = {name for name, rule in requirements._rules().items() if isinstance(rule, Caseless)}
    assert {"role_or_title", "not_role_line_start", "not_role_line"} <= names
    assert all(isinstance(getattr(tagger, name), Caseless) for name in TAGGER_PATTERNS)
    assert len(_project_patterns()) == 6


def _spans(pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("index", range(6))
def test_every_string_a_project_pattern_matches_is_found_at_the_same_spans(index):
    """Each string a project pattern matches, in upper, lower and title case, between words and
    characters with and without case: the same spans by both ways, search as finditer."""
    pattern = _project_patterns()[index]
    words = [w for w in matched_strings(pattern.pattern, limit=3000) if w.strip()]
    assert len(words) > 3
    for word in words:
        for variant in (word, word.upper(), word.title(), word.swapcase()):
            for text in (variant, f"Our {variant} – €", f"x{variant}y", f"The {variant}é",
                         f"İ {variant}\n{variant} | {variant}"):
                assert _spans(pattern, text) == _spans(pattern.any_text, text), text
                found, expected = pattern.search(text), pattern.any_text.search(text)
                assert (found and found.span()) == (expected and expected.span()), text


PIECES = st.sampled_from(["Senior", "ENGINEER", "engineers", "Head of", "VP", "director", "I'm",
                          "Lead", "tech lead", "Jane Doe, CEO", "our CTO", " ", "\n", "-", "|",
                          ",", "–", "’", "é", "É", "ẞ", "\u212a", "\u017f", "\u0131", "İ", "x",
                          "7", "_", "Ä", "ﬁ", "Σ"])


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=14), st.integers(0, 5))
def test_generated_texts_give_the_same_spans(pieces, index):
    pattern = _project_patterns()[index]
    text = "".join(pieces)
    assert _spans(pattern, text) == _spans(pattern.any_text, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbBkK_- 9\n[]\u212a\u017f", max_size=12))
def test_a_pattern_with_classes_and_ranges_gives_the_same_spans(text):
    pattern = Caseless(r"\b[A-Z][a-z]+\b|[^A-K\s]+|B-?K|(?<![a-z])k")
    assert _spans(pattern, text) == _spans(re.compile(pattern.pattern, re.I), text)


# --- the taxonomy's context rules (cue_before/after, veto_before/after) ----------------------

RULE_KEYS = ("cue_before", "cue_after", "veto_before", "veto_after")


def _rule_sources(node) -> set[str]:
    """Every context rule's source in the taxonomy (entries' and categories' alike)."""
    if isinstance(node, dict):
        return {source for key, value in node.items()
                for source in ([value] if key in RULE_KEYS and isinstance(value, str)
                               else _rule_sources(value))}
    if isinstance(node, list):
        return {source for value in node for source in _rule_sources(value)}
    return set()


def _context_rules() -> list[tuple[str, Caseless | re.Pattern]]:
    """(source in the taxonomy, the pattern the tagger makes of it) of every context rule."""
    taxonomy = tomllib.loads(tagger.TAXONOMY_PATH.read_text(encoding="utf-8"))
    return [(source, _window_pattern(source)) for source in sorted(_rule_sources(taxonomy))]


def test_a_rule_ignoring_case_throughout_is_caseless_and_others_are_as_written():
    rules = _context_rules()
    caseless = [p for _, p in rules if isinstance(p, Caseless)]
    assert len(caseless) > 80 and len(rules) - len(caseless) >= 5
    held = {id(p) for entry in Tagger.default().entries.values()
            for p in (*entry.cue_before, *entry.cue_after, entry.veto_before, entry.veto_after)}
    # the tagger holds these, made once a source (a rule searched before a mention, gated)
    assert all(id(p) in held or id(tagger._searched_window_pattern(s)) in held for s, p in rules)
    assert _window_pattern(r"(?is)^(?!.*\bto\s+$).*\bGo\s*$").any_text.flags & re.S
    # case sensitive in part, or throughout: compiled as written
    for source in (r"(?i)^\s+(?:in\s+(?-i:[A-Z]))", r"^\s+(?:Tuesday|Rose)\b", r"(?s)a.b"):
        assert _window_pattern(source).pattern == source
        assert isinstance(_window_pattern(source), re.Pattern)


@pytest.fixture(scope="module")
def rule_strings() -> list[tuple[Caseless, re.Pattern, list[str]]]:
    """Each Caseless context rule, its source compiled as written, and texts built from the
    strings it matches."""
    out = []
    for source, rule in _context_rules():
        if isinstance(rule, Caseless):
            words = [w for w in matched_strings(rule.pattern, limit=60) if w.strip()][:60]
            texts = []
            for word in words:
                for variant in (word, word.upper(), word.title(), word.swapcase()):
                    texts += [variant, f"We use {variant}", f"{variant} – é", f"İ {variant}",
                              f"x{variant}\u212a"]
            out.append((rule, re.compile(source), texts))
    return out


def test_every_context_rule_matches_where_it_matched_ignoring_case(rule_strings):
    """search and match, the two ways the tagger asks a rule, at the spans of the rule as the
    taxonomy writes it."""
    checked = 0
    for rule, as_written, texts in rule_strings:
        for text in texts:
            for ask in ("search", "match"):
                found = getattr(rule, ask)(text)
                expected = getattr(as_written, ask)(text)
                assert (found and found.span()) == (expected and expected.span()), \
                    (rule.pattern, text)
                checked += found is not None
    assert checked > 10_000
