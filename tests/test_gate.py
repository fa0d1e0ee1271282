"""Gated patterns (etl/transforms/gate.py) give the matches of the pattern without the gate.

The gate is a lookahead of the characters a match can start with, made from the pattern's own
parse. These tests check the class it makes for known patterns, the patterns it refuses, and,
for every pattern the extractors and the tagger gate, the same finditer, search and match
answers (spans and groups) as the pattern without its gate, on texts built from the strings
the pattern matches and on real posting texts.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.sample import records
from etl.text import html_text
from etl.transforms import normalize, requirements, salary, tagger
from etl.transforms.caseless import Caseless
from etl.transforms.gate import NoGate, first_class, gated
from tests.regex_strings import matched_strings
from tests.test_caseless import _rule_sources


@pytest.mark.parametrize(("source", "flags", "first"), [
    (r"(?<![\w,])(?:one|two|\d{1,2})\b", re.I, r"[\dot]"),
    (r"\b(?:a|b)?c", 0, "[abc]"),  # an optional part adds the characters after it
    (r"(?:x*|y+)z", 0, "[xyz]"),  # so does a branch that can be empty
    (r"[a-c\s]+-", 0, r"[\sa-c]"),
    (r"(?=q)(?!r)^[-\]^]", re.M, r"[\-\]\^]"),  # class members that need escaping
    (r"(?-i:[A-Z])x", re.I, "[A-Z]"),  # a case-sensitive part: the class ignores case (wider)
    (r"(?>ab|c)", 0, "[ac]"),  # an atomic group
])
def test_the_first_class_of_a_pattern(source, flags, first):
    assert first_class(re.compile(source, flags)) == first


@pytest.mark.parametrize(("source", "flags"), [
    (r"a?", 0), (r"\b", 0), (r"(?:x|)", 0),  # may match the empty string
    (r"[^a]b", 0), (r".b", 0), (r"(a)?\1", 0), (r"(a)?(?(1)b|c)", 0),  # no one class
    (r"(?i:a)b", 0),  # a part ignoring case in a pattern that does not: the class would narrow
])
def test_a_pattern_without_a_first_class_is_refused(source, flags):
    with pytest.raises(NoGate):
        gated(re.compile(source, flags))


def test_a_gate_keeps_flags_groups_and_global_flags():
    pattern = gated(re.compile(r"(?im)^(?P<n>\d+)\s*(years?)$"))
    assert pattern.pattern.startswith(r"(?=[\d])^(?P<n>")
    assert pattern.flags & re.I and pattern.flags & re.M and pattern.groupindex == {"n": 1}
    assert pattern.findall("x\n12 YEARS\n3 year") == [("12", "YEARS"), ("3", "year")]


PAY_TEXTS = ["$120,000 - $150,000 a year", "€90k–110k", "USD 100000", "£45,000 to £55,000/yr",
             "₹12,00,000 p.a.", "100k-120k EUR", "CAD$ 80,000 + bonus", "65.000 bis 75.000 €",
             "raised $20M in funding", "hourly rate: $45/hr", "series B, $8m", "we made 2M"]


@pytest.fixture(scope="module")
def real_texts() -> list[str]:
    """Posting texts as the build reads them (the synthetic sample's titles, locations and
    descriptions, and each description's lines), 300 postings."""
    texts = []
    for _, record in records(seed=11, n=300):
        description = html_text(record.get("description_html") or "")[0]
        texts += [str(record.get("title")), str(record.get("location")), description,
                  *description.split("\n")[:40]]
    return texts


def _ungated(pattern: re.Pattern) -> re.Pattern:
    """The pattern without the gate in front."""
    source = pattern.pattern
    assert source.startswith("(?=["), source
    return re.compile(source[source.index("])") + 2:], pattern.flags)


def _gated_patterns() -> dict[str, re.Pattern]:
    """Every pattern the project gates, by name."""
    rules = requirements._rules()
    found = {"years": rules["years"], "no_unit": rules["no_unit"],
             "any_degree": rules["any_degree"], "degree_hints_cs": rules["degree_hints_cs"],
             "_A_YEAR_AFTER": requirements._A_YEAR_AFTER, "_SALARY_RE": salary._SALARY_RE,
             "_PERIOD_BEFORE": salary._PERIOD_BEFORE, "_TRAP_BEFORE": salary._TRAP_BEFORE,
             "_BACKED_BY": tagger._BACKED_BY, "_PARTNER_INTRO": tagger._PARTNER_INTRO,
             "_LOCATION_SPLIT": normalize._LOCATION_SPLIT}
    found |= {f"degree.{level}": patterns[0] for level, patterns in rules["degree"].items()}
    found |= {f"level.{level}": pattern for level, pattern in rules["level"]}
    return found


def _texts(pattern: re.Pattern, limit: int = 400) -> list[str]:
    """Texts around the strings the pattern matches, in several cases."""
    words = [w for w in matched_strings(_ungated(pattern).pattern, limit=limit) if w.strip()]
    texts = []
    for word in words[:limit]:
        for variant in (word, word.upper(), word.title()):
            texts += [variant, f"We ask {variant} here", f"x{variant}9", f"– {variant}.\n{word}"]
    return texts


def _answers(pattern: re.Pattern, text: str) -> list:
    """finditer's matches, and search's and match's from a few positions (the spans and
    groups)."""
    out: list = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    for at in {0, 1, len(text) // 3, len(text) // 2, len(text) - 1}:
        for ask in (pattern.search, pattern.match):
            m = ask(text, at)
            out.append(m and (m.span(), m.groups()))
    return out


@pytest.mark.parametrize("name", sorted(_gated_patterns()))
def test_a_gated_pattern_gives_what_it_gave_without_the_gate(name, real_texts):
    pattern = _gated_patterns()[name]
    plain = _ungated(pattern)
    texts = _texts(pattern, limit=10 if name == "_SALARY_RE" else 400)  # (its strings explode)
    assert len(texts) > 20
    matched = 0
    for text in texts + real_texts + PAY_TEXTS:
        answers = _answers(pattern, text)
        assert answers == _answers(plain, text), (name, text[:200])
        matched += bool(answers[0:1])
    assert matched > 10, name


def test_the_patterns_searched_before_a_mention_are_gated_and_match_as_written():
    """Every cue and veto searched in the window before a mention: gated (but one without a
    class of first characters), and answering search as the rule compiled as written."""
    taxonomy = tomllib.loads(tagger.TAXONOMY_PATH.read_text(encoding="utf-8"))
    held = [p for entry in tagger.Tagger.default().entries.values()
            for p in (*entry.cue_before, entry.veto_before) if p is not None]
    lowered = [p.lowered if isinstance(p, Caseless) else p for p in held]
    assert sum(p.pattern.startswith("(?=[") for p in lowered) >= len(held) - 2
    checked = 0
    for source in sorted(_rule_sources(taxonomy)):
        searched = tagger._searched_window_pattern(source)
        as_written = re.compile(source)
        for word in [w for w in matched_strings(source, limit=40) if w.strip()][:40]:
            for text in (word, word.upper(), f"we use {word} ", f"İ {word}", f"{word}x{word}"):
                found, expected = searched.search(text), as_written.search(text)
                assert (found and found.span()) == (expected and expected.span()), (source, text)
                checked += found is not None
    assert checked > 5_000


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["5", "12", "one", "Two", "a", "an", " ", "+", "-", "–", "(3)",
                                 "years", "YRS", "yr", "of", "experience", "orTwo", "$", ",",
                                 ".", "\u017fix", "٣", "x", "\n"]), max_size=16))
def test_generated_year_figures_give_the_same_matches(pieces):
    text = "".join(pieces)
    pattern = requirements._rules()["years"]
    assert _answers(pattern, text) == _answers(_ungated(pattern), text)
