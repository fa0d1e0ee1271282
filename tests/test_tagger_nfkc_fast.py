"""The tagger's NFKC shortcuts give what unicodedata gives.

normalise decides whether a text is NFKC from its non-ASCII characters alone, and normalises a
text that is not by replacing its few compatibility characters one by one (etl/text.py,
is_nfkc and nfkc, which the tagger's normalise and html_to_text use). Both are compared with
unicodedata on hand-picked hard cases (compositions, combining marks, Hangul jamo, Indic vowel
signs) and on generated text.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from etl import text as fast
from etl.transforms.tagger import normalise
from tests.test_tagger_fast_path import reference_normalise

HARD = [
    "Café … ™ a\u202fb\u2003c",        # compatibility characters that are the common case
    "\u3131\u314f",                     # compatibility jamo: NFKC forms that compose
    "x\u3131y\u314fz",                  # the same apart: no composition
    "e\u0301", "E\u0301\u0323",         # combining marks after ASCII letters
    "\ufb01le", "\u2460 \u00bd",        # ligature, circled digit, fraction
    "\u1100\u1161", "\u1100x\u1161",    # conjoining jamo, together and apart
    "\u0b47\u0b3e", "\u0b47x\u0b3e",    # an Oriya vowel sign pair, together and apart
    "\u00c5\u212b", "K\u2126\u00a0x",   # singletons (Angstrom, Ohm) and a no-break space
    "a\u0f73", "\u1e9b\u0323", "\uff21\u0301", "\u2003\u2026\u0301",
]


def _nfkc(text: str) -> str:
    others = fast.non_ascii(text)
    if not others or fast.is_nfkc(text, others):
        return text
    return fast.nfkc(text, others)[0]


def test_hard_cases_against_unicodedata():
    for text in HARD:
        others = fast.non_ascii(text)
        assert fast.is_nfkc(text, others) == unicodedata.is_normalized("NFKC", text), text
        assert _nfkc(text) == unicodedata.normalize("NFKC", text), text
        assert normalise(text) == reference_normalise(text), text


def test_the_common_case_takes_the_shortcut(monkeypatch):
    """A text whose only compatibility characters are an ellipsis and a trademark sign is not
    normalised as a whole (that costs about 250 instructions a character)."""
    calls = []
    original = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        calls.append(len(text))
        return original(form, text)

    monkeypatch.setattr(fast.unicodedata, "normalize", counting)
    text = "We build things… with Python™ and Go. " * 50
    assert _nfkc(text) == original("NFKC", text)
    assert calls and max(calls) == 1  # one character at a time


CHARS = st.one_of(st.characters(max_codepoint=0x7F),
                  st.characters(min_codepoint=0x80, max_codepoint=0x3400),
                  st.characters(min_codepoint=0xAC00, max_codepoint=0xAD00),
                  st.characters(min_codepoint=0xF900))


@settings(max_examples=1500, deadline=None)
@given(st.text(CHARS, max_size=12))
def test_generated_text_against_unicodedata(text):
    others = fast.non_ascii(text)
    if others:
        assert fast.is_nfkc(text, others) == unicodedata.is_normalized("NFKC", text)
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)
