"""Pay lines through the pre-filter are exactly the pay lines of the full search (issue 11).

salary.pay_lines scans the case-folded text for the literals a pay line must hold and runs
PAY_LINE only where one starts; pay_lines_by_search runs PAY_LINE over every line. These tests
compare the two on the labelled pay forms, on generated sample postings, on real HN postings and
on generated hostile text, and check the case-folding argument the pre-filter rests on.
"""

from __future__ import annotations

import itertools
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.evaluate_salary import hn_texts
from etl.sample import write_sample
from etl.sources import sources
from etl.transforms import salary
from etl.transforms.normalize import salary_from_text
from etl.transforms.salary import (
    PAY_LINE,
    PAY_LINE_LITERALS,
    PAY_LINE_PARTS,
    pay_lines,
    pay_lines_by_search,
)
from tests.test_salary import REAL_FORMS


def _agree(texts) -> int:
    """How many texts were compared; fails on the first whose pay lines differ."""
    n = 0
    for text in texts:
        assert pay_lines(text) == pay_lines_by_search(text), text[:300]
        n += 1
    return n


def test_every_case_variant_of_a_literal_character_folds_to_it():
    """The pre-filter's premise: a character PAY_LINE matches (IGNORECASE) in place of a literal's
    character case-folds to exactly that character, so a match starts where a literal does."""
    chars = sorted({c for word in PAY_LINE_LITERALS for c in word})
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    for char in chars:
        variants = re.findall(re.escape(char), every, re.IGNORECASE)
        assert char in variants
        for variant in variants:
            assert salary.folded(variant) == char or len(salary.folded(variant)) != 1, \
                (char, variant)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60)
       | st.text(alphabet="aBcİıſK\u212aßẞéÉ \nXz", max_size=20))
def test_folded_is_casefold_with_the_dotless_i_as_i(text):
    """ASCII text takes str.lower (casefold looks each character up): the same string."""
    assert salary.folded(text) == text.casefold().replace("\u0131", "i")


def test_each_alternative_of_the_pay_line_pattern_starts_with_a_literal():
    alternatives = ["salary", "Compensation", "pay", "comp", "BASE", "OTE", "per annum", "p.a.",
                    "pa", "LPA", "lakh", "/ hour", "/month", "Gehalt", "Vergütung", "brutto",
                    "salaire", "rémunération", "wynagrodzenie", "lön", "salário", "salario",
                    "day rate", "Rate:", "DOE", "$", "€", "£", "₹", "¥", "₪",
                    *"USD EUR GBP CHF SEK NOK DKK PLN INR CAD AUD NZD SGD BRL JPY MXN".split()]
    for word in alternatives:
        assert PAY_LINE.match(word), word
        assert any(word.casefold().startswith(lit) for lit in PAY_LINE_LITERALS), word
        assert pay_lines(f"intro\nx {word} y\nend") == [f"x {word} y"]


def test_each_alternative_starts_with_one_of_its_own_literals():
    """What trying only the alternatives of the literals found at an offset rests on: each
    alternative, matched on its own, starts with one of its literals; the alternatives joined
    are PAY_LINE."""
    assert PAY_LINE.pattern == "|".join(part for _, part in PAY_LINE_PARTS)
    whole = {"/": "/ hour"}  # a literal that is not a whole match alone
    for literals, part in PAY_LINE_PARTS:
        pattern = re.compile(part, re.IGNORECASE)
        for literal in literals:
            for word in (whole.get(literal, literal), whole.get(literal, literal).upper()):
                assert pattern.match(word), (part, word)
                assert word.casefold().startswith(literals), (part, word)
                assert PAY_LINE.match(word)


def test_pay_lines_try_only_the_alternatives_found():
    """A line whose literal starts an alternative that does not match there, beside another
    literal's alternative that does, at the same offset ("pa" and "pay")."""
    for text, lines in [("x pay 90k", ["x pay 90k"]), ("paying well", []), ("pa: 90k", ["pa: 90k"]),
                        ("company base", ["company base"]), ("compute/ day", ["compute/ day"]),
                        ("a/b, CI/CD", []), ("Salary\x85$", ["Salary", "$"])]:
        assert pay_lines(text) == pay_lines_by_search(text) == lines, text


def test_the_labelled_pay_forms_agree():
    texts = [text for text, *_ in REAL_FORMS]
    assert _agree(texts) == len(REAL_FORMS) >= 30
    assert _agree(f"Role: backend\n\n{text}\n\nApply within" for text in texts) == len(texts)


def test_generated_sample_postings_agree_and_parse_the_same(tmp_path):
    raw = tmp_path / "sample"
    write_sample(raw, n=3000)
    texts = [r["description"] for r in sources()["sample"].read(raw) if isinstance(r, dict)]
    assert _agree(texts) == len(texts) >= 2900
    with_pay = [t for t in texts if pay_lines(t)]
    assert len(with_pay) > len(texts) // 3
    figures = [salary_from_text(None, t, "USD") for t in with_pay]
    assert sum(f is not None for f in figures) > 100


def test_real_hn_postings_agree(shared_data):
    texts = [text for _, _, text in itertools.islice(hn_texts(shared_data), 4000)]
    assert _agree(texts) == 4000
    assert sum(bool(pay_lines(t)) for t in texts) > 400


def test_text_whose_folding_changes_its_length_is_searched_line_by_line():
    text = "Straße 5\nSalary: €60k\nſalary $90k\nKompensation\nbase pay 80K\ncompensatıon"
    assert len(text.casefold()) != len(text)
    assert pay_lines(text) == pay_lines_by_search(text) == [
        "Salary: €60k", "ſalary $90k", "base pay 80K", "compensatıon"]
    assert pay_lines("compensatıon: 90k") == ["compensatıon: 90k"]


def test_at_most_five_lines_and_line_breaks_of_every_kind():
    text = "\r\n".join(f"Salary band {i}: $1{i}0k" for i in range(8)) + "\x85pay\u2028/ hr"
    assert pay_lines(text) == pay_lines_by_search(text)
    assert len(pay_lines(text)) == salary.MAX_PAY_LINES
    assert pay_lines("a /\nhour\rOTE\x0bnote") == pay_lines_by_search("a /\nhour\rOTE\x0bnote") \
        == ["OTE"]


PIECES = st.sampled_from([*PAY_LINE_LITERALS, *(w.upper() for w in PAY_LINE_LITERALS),
                          "database", "remote", "company", "p.a.", "/ ", "\n", "\r\n", "\r",
                          "\u2028", "\x85", " ", ".", ":", "-", "_", "a", "9", "80k", "K", "ſ",
                          "İ", "ı", "ß", "Σ", "é", "x"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_generated_text_agrees(text):
    assert pay_lines(text) == pay_lines_by_search(text)


@pytest.mark.parametrize("text", ["", "\n\n", "no pay here", "Salary"])
def test_edges(text):
    assert pay_lines(text) == pay_lines_by_search(text)
