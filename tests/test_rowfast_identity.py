"""The per-row pre-tests of issue 11 item 2 (second pass) answer what the full searches answer.

Each pre-test lets a posting or a mention skip a regular expression when the expression cannot
match; these tests compare the fast function with the expressions searched every time, on
generated text built from the words the expressions hold and on the mentions of real and
sample postings.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.evaluate import load_labels, posting_text
from etl.sample import write_sample
from etl.sources import sources
from etl.transforms import tagger as fast
from etl.transforms.tagger import Tagger

_LABELS = [Path(__file__).parent / "eval" / f"{name}_labels.jsonl"
           for name in ("dev", "holdout", "audit2", "era", "fresh")]


def reference_excluded_by_before(before: str, after: str) -> str | None:
    """_excluded_by_before before its pre-tests: every pattern searched, ignoring case as
    written (Caseless.any_text, not its lowered twin)."""
    if fast._NEGATION.any_text.search(before) \
            and not fast._NEGATION_EXCEPTION.any_text.match(after):
        return "negated"
    if fast._COMPARISON_BEFORE.any_text.search(before) or fast._like_is_comparison(before, after):
        return "comparison or partner"
    return None


def _pattern_words(pattern: re.Pattern) -> set[str]:
    """The words a pattern spells out, in lower case, capitalised and in upper case."""
    words = set(re.findall(r"[a-zà]+(?:-[a-z]+)?-?", pattern.pattern))
    return words | {w.capitalize() for w in words} | {w.upper() for w in words}


_WORDS = sorted({*fast._NEGATION_ENDS, *fast._COMPARISON_ALONE, *fast._COMPARISON_PAIRS,
                 *_pattern_words(fast._COMPARISON_BEFORE), "do", "don't", "won't", "pas",
                 "similar", "compared", "rather", "such", "instead", "founders", "co-founder",
                 "early", "employees", "alumni", "trusted", "backed", "is", "it's", "languages",
                 "like", "LIKE", "No", "NOT", "Ex-", "(", "(think", "@", "à", "ſans", "K", "d’",
                 "don’t", "python", "skills", "but", "A", "la", "an", "ni", "Neither", "-", ":",
                 ",", ".", "\n", "\n-", "\u00a0", "\u2028", "\x1c", "é"})
_GLUE = st.sampled_from([" ", "", "  ", "\n", " - ", ": ", ", ", "\t", "\u00a0", "\x0b"])


@st.composite
def windows(draw) -> tuple[str, str]:
    parts = draw(st.lists(st.tuples(st.sampled_from(_WORDS), _GLUE), max_size=5))
    before = "".join(w + g for w, g in parts)[-fast.WINDOW:]
    after = draw(st.sampled_from(["", " is required", " but for", ", and more", " experience "
                                  "is necessary", " - we use it", " but in Go"]))
    return before, after


@settings(max_examples=6000, deadline=None)
@given(windows())
def test_excluded_by_before_same_on_generated_windows(window):
    before, after = window
    assert fast._excluded_by_before(before, after) == reference_excluded_by_before(before, after)


def _windows_of(tagger: Tagger, text: str) -> list[tuple[str, str]]:
    """(before, after) of every accepted mention of a text, as _excluded reads them."""
    norm = tagger.normalise(text)
    cands = tagger._candidates(norm)
    for cand in cands:
        cand.status = cand.kind != "ambiguous" or None
    heads = fast._list_heads(norm, cands)
    return [(fast._window_before(norm, head), fast._window_after(norm, cand.end))
            for cand, head in zip(cands, heads, strict=True)]


def _real_and_sample_texts(shared_data, folder: Path) -> list[str]:
    texts = [posting_text(shared_data, x.source, x.file, x.id)
             for path in _LABELS for x in load_labels(path)]
    write_sample(folder / "sample", n=600)
    return texts + [f"{r['title']}\n\n{r['description']}"
                    for r in sources()["sample"].read(folder / "sample") if isinstance(r, dict)]


def test_excluded_by_before_same_on_real_and_sample_mentions(shared_data, tmp_path):
    tagger = Tagger.default()
    checked = compared = 0
    for text in _real_and_sample_texts(shared_data, tmp_path):
        for before, after in _windows_of(tagger, text):
            assert fast._excluded_by_before(before, after) == \
                reference_excluded_by_before(before, after), before
            assert fast._compared_after(after) == reference_compared_after(after), after
            checked += 1
            compared += reference_compared_after(after)
    assert checked > 5000
    assert compared > 10  # the windows hold comparisons after a mention, not only others


def reference_compared_after(after: str) -> bool:
    """_compared_after before its pre-test: the pattern matched at every window that opens
    with one of its first characters."""
    return after[:1] in ("-", " ", ",", "'") and fast._COMPARISON_AFTER.match(after) is not None


_AFTER_WORDS = sorted(_pattern_words(fast._COMPARISON_AFTER)
                      | {"'s", "'S", ",", "but", "for", "in", "style", "Kelvin", "\u212a",
                         "ſ", "é", "-", "'", "partners,", "and"})
_AFTER_GLUE = st.sampled_from(["", " ", "  ", "\n", "\t", "\x1c", "\u00a0", ", ", "-", "'s "])


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.tuples(_AFTER_GLUE, st.sampled_from(_AFTER_WORDS)), max_size=5))
def test_compared_after_same_on_generated_windows(parts):
    after = "".join(g + w for g, w in parts)[:fast.WINDOW]
    assert fast._compared_after(after) == reference_compared_after(after)


def test_compared_after_sees_every_opening_word():
    """Each word the pattern spells (in three cases), after one or two spaces, after "gold" and
    ", but", and with an "s": the pattern's answer every time."""
    for word in _pattern_words(fast._COMPARISON_AFTER):
        for after in (f" {word}", f"  {word} x", f" gold {word}", f", but {word}", f" {word}s"):
            assert fast._compared_after(after) == reference_compared_after(after), after
    assert fast._compared_after(" Advanced Partner") and fast._compared_after("'s CEO")
    assert not fast._compared_after(" developer") and not fast._compared_after(" partnership")


def reference_named_as_employer(text: str, cand) -> bool:
    """_named_as_employer before its pre-test for "At X"."""
    if cand.entry.tech.category not in fast._EMPLOYER_CATEGORIES:
        return False
    if fast._EMPLOYER_AT.search(text, max(0, cand.start - 20), cand.start):
        return True
    match = fast._EMPLOYER_AFTER.match(text, cand.end, cand.end + 100)
    return match is not None and (cand.start == 0 or not match.group().endswith("|"))


_EMPLOYER_PIECES = ["At", "at", "AT", "At\n", ".", "!", "\n", " ", "  ", "\t", "\x1c", "We",
                    "Redis", "AWS", "MongoDB", "Postgres", "Python", "is hiring", "|", "(", ")",
                    "are building", "Great", "Ät", "At-"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_EMPLOYER_PIECES), max_size=14), st.sampled_from([" ", ""]))
def test_named_as_employer_same_on_generated_text(pieces, gap):
    tagger = Tagger.default()
    text = gap.join(pieces)
    for cand in tagger._candidates(text):
        assert fast._named_as_employer(text, cand) == reference_named_as_employer(text, cand)


def test_named_as_employer_same_on_real_and_sample_mentions(shared_data, tmp_path):
    tagger = Tagger.default()
    checked = employers = 0
    for text in _real_and_sample_texts(shared_data, tmp_path):
        norm = tagger.normalise(text)
        for cand in tagger._candidates(norm):
            expected = reference_named_as_employer(norm, cand)
            assert fast._named_as_employer(norm, cand) == expected, norm[cand.start - 20:cand.end]
            checked += 1
            employers += expected
    assert checked > 5000 and employers > 0


_GAP_PIECES = [", ", ",", " ", "/", " and ", " or ", "; ", "(", ")", "e.g.", " including ",
               "a little bit of", "x", "Go", ".", "\n", "·", "—", "nor", "ni", "ou", "é", "\u00a0"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_GAP_PIECES), max_size=6))
def test_gaps_answer_as_their_patterns(pieces):
    between = "".join(pieces)
    for gap in (fast._LIST_GAP, fast._NEG_LIST_GAP):
        for _ in range(2):  # the first answer is found, the second remembered
            assert gap.fits(between) == (gap.pattern.fullmatch(between) is not None)


def test_gaps_keep_a_bounded_number_of_answers():
    gap = fast._Gap(fast._LIST_GAP.pattern)
    for n in range(fast.GAPS_KEPT + 10):
        assert gap.fits(f"x{n}") is False
    assert len(gap.answers) <= fast.GAPS_KEPT
    assert gap.fits(", and ") is True and gap.fits("x1") is False


_PIECES = ["Our customers include", "Stripe", "AWS", "Postgres", "partners", "and", ", ", ". ",
           "\n", "; ", "trusted by", "teams at", "Go", "engineers from", "We", "power", "é",
           "(", ")", "Organisations", "like", "Series B"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.sampled_from([" ", ""]))
def test_partner_stems_found_once_give_the_same_answer(pieces, gap):
    text = gap.join(pieces)
    spans = fast.partner_stem_spans(text)
    assert (spans is None) == (not text.isascii())
    for start in range(len(text) + 1):
        assert fast._named_as_partner(text, start, spans) == fast._named_as_partner(text, start)
