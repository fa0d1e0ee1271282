"""The tagger's third-pass shortcuts (issue 11 item 2) answer what the full passes answer.

The alias automaton holds four keys that never match (they turn its prefilter off), and the
glued-word pass finds every case change of a posting in one scan instead of one str.find per
word. Each is compared here with the pass it shortcuts: the automaton without the extra keys,
and the glued-word pass of the reference tagger (tests/test_tagger_fast_path.py), on edge texts,
generated text and sample postings. Since: glued words inside a kept alias hit are not cut into
pieces (docs/build_speed.md, "Fourth pass"), compared with the reference tagger's candidates.
"""

from __future__ import annotations

import ahocorasick_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.sample import write_sample
from tests.test_tagger_fast_path import _FAST, _REFERENCE, ReferenceTagger, fast, sample_texts

# the tagger as plain Python (tests/pure_tagger.py), as in tests/test_tagger_fast_path.py
_ASCII_KEY, _KEY_TABLE, _SHAPE_TABLE = fast._ASCII_KEY, fast._KEY_TABLE, fast._SHAPE_TABLE
Tagger, _alias_keys = fast.Tagger, fast._alias_keys

_PIECES = ["Python", "Go", "C++", "C#", "Node.js", "ReactNode", "NodeJS", "TypeScriptPython",
           "experienceExperience", "teamPython", "skillsPostgreSQLand", "aboutC++Previous",
           "stackReactNode", "AWS.Experience", "Ruby+Javascript", "kdb+", "GoDaddy", "iOS",
           "macOS", "PostgreSQL", "MySQLServer", "aB", "aBaBaB", "abcDEF", "x_Y", "a1B", "éA",
           "aÉ", "İstanbul", "ǅungla", "ΣQL", "K8s", "Amazon RDS", "&amp;", "<li>", "’", "é"]
_GAPS = [" ", "", "\n", ", ", ". ", "/", "-", "\u00a0", "\t", "(", ")"]
_EDGES = ["", "a", "A", "aA", "Aa", "aA aA", "aAaA", "aB" * 500, "a+B", "a#B", "+B", "#B",
          "C++Previous", "é" + "aB" * 50, "ReactNodeTypescriptComfortability", "x" * 40 + "Y",
          "descriptionA leading", "offSchedule", "ΣaB", "aǅb"]


def _sample_texts(tmp_path, n: int) -> list[str]:
    return sample_texts(write_sample(tmp_path / "raw", seed=3, n=n), raw_every=4)


# ------------------------------------------------------------------ the alias automaton

def test_keys_that_never_match_are_no_search_key_character():
    for key in fast._NEVER_IN_A_KEY:
        assert len(key) == 1 and key.isascii()
        assert _ASCII_KEY[ord(key)] == 32 and _KEY_TABLE[ord(key)] == 32
        assert fast.search_key(f"a{key}b") == "a b"
        assert key not in _alias_keys(Tagger.default().entries)


def test_alias_search_same_as_without_the_extra_keys(tmp_path):
    tagger = Tagger.default()
    keys = list(_alias_keys(tagger.entries))
    dfa = ahocorasick_rs.Implementation.DFA
    plain_bytes = ahocorasick_rs.BytesAhoCorasick([k.encode() for k in keys], implementation=dfa)
    plain_chars = ahocorasick_rs.AhoCorasick(keys, implementation=dfa)
    texts = (_sample_texts(tmp_path, 2_000) + _EDGES
             + [f"{p}{g}{q}" for p in _PIECES for g in _GAPS[:3] for q in _PIECES])
    assert sum(not t.isascii() for t in texts) > 300
    found = 0
    for text in texts:
        key = fast.search_key(fast.normalise(text))
        padded = f" {key} "
        want = (plain_bytes.find_matches_as_indexes(padded.encode("ascii"), overlapping=True)
                if padded.isascii()
                else plain_chars.find_matches_as_indexes(padded, overlapping=True))
        # in any order: the tagger sorts them by start, and no two keys make the same span
        # (the C passes' automaton, compared in tests/test_c_passes.py, lists them by end)
        assert sorted(tagger._alias_search(key)) == sorted(want)
        found += len(want)
    assert found > 5_000


# ------------------------------------------------------------------ glued words

def _glued_words_one_find_per_word(text: str) -> list[tuple[int, int]]:
    """The glued words as the pass found them before: a str.find from each word's end."""
    shape = text.translate(_SHAPE_TABLE)
    words = []
    cut = shape.find("aA")
    while cut >= 0:
        start = shape.rfind(" ", 0, cut) + 1
        end = shape.find(" ", cut)
        end = len(shape) if end < 0 else end
        words.append((start, end))
        cut = shape.find("aA", end)
    return words


def _glued_words_seen(tagger: Tagger, text: str) -> list[tuple[int, int]]:
    """The words _glued_candidates hands to _may_hold_glued_forms (none when it stops before)."""
    seen: list[tuple[int, int]] = []
    tagger._may_hold_glued_forms = lambda _text, _shape, words: seen.extend(words) or True
    try:
        tagger._glued_candidates(text)
    finally:
        del tagger._may_hold_glued_forms
    return seen


def _same_glued(texts: list[str]) -> int:
    """Asserts the fast glued pass equals the reference on every text; returns words seen."""
    tagger = Tagger.default()
    words = 0
    for text in texts:
        normalised = fast.normalise(text)
        want = _glued_words_one_find_per_word(normalised)
        assert _glued_words_seen(tagger, normalised) == want, text[:80]
        got = [(c.start, c.end, c.form, c.kind) for c in _FAST._glued_candidates(normalised)]
        ref = [(c.start, c.end, c.form, c.kind) for c in _REFERENCE._glued_candidates(normalised)]
        assert got == ref, text[:80]
        words += len(want)
    return words


def test_glued_words_same_on_edge_texts():
    assert _same_glued(_EDGES) >= 15


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GAPS)), max_size=30))
def test_glued_words_same_on_generated_text(parts):
    _same_glued(["".join(piece + gap for piece, gap in parts)])


def test_glued_words_same_on_sample_text(tmp_path):
    texts = _sample_texts(tmp_path, 2_000)
    assert _same_glued(texts) > 100


# ------------------------------------------------------------------ glued words inside alias hits

_NAMES = ["Azure DevOps", "Microsoft Azure", "GitHub Actions", "GitLab CI", "AWS CodePipeline",
          "Amazon AWS", "MS Azure", "JavaScript", "PostgreSQL", "DevOpsPython", "TypeScriptGo",
          "CodePipeline", "GitHub", "Actions", "DynamoDB", "MongoDB", "ReactNode", "iOS"]


def _candidates_of(tagger: Tagger, text: str) -> list[tuple[int, int, str, str]]:
    normalised = fast.normalise(text)
    return [(c.start, c.end, c.form, c.kind) for c in tagger._candidates(normalised)]


_OVERLAPPING = {"version": "t", "tech": {
    "azure": {"name": "Azure", "category": "cloud", "aliases": ["microsoft azure"]},
    "azure_foobar": {"name": "Azure FooBar", "category": "ci_cd"},
    "bar": {"name": "Bar", "category": "library"}}}


def test_glued_words_in_alias_hits_same_candidates_as_every_piece_looked_at():
    tagger, reference = Tagger(_OVERLAPPING, "t"), ReferenceTagger(_OVERLAPPING, "t")
    for text in ("We use Azure FooBar", "Azure FooBar, Microsoft Azure"):
        assert _candidates_of(tagger, text) == _candidates_of(reference, text)
    assert tagger.work["glued again"] == 0  # the hits holding "FooBar" were kept
    # "Microsoft Azure" is kept, so "Azure FooBar", which holds the glued word, is not: the
    # word's pieces are looked at after all, and "Bar" is one
    assert [form for *_, form, _kind in _candidates_of(tagger, "Microsoft Azure FooBar")] == \
        ["microsoft azure", "Bar"]
    assert _candidates_of(tagger, "Microsoft Azure FooBar") == \
        _candidates_of(reference, "Microsoft Azure FooBar")
    assert tagger.work["glued again"] == 2


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_NAMES + _PIECES), st.sampled_from(_GAPS)),
                max_size=20))
def test_candidates_same_with_glued_words_in_alias_hits_on_generated_text(parts):
    text = "".join(piece + gap for piece, gap in parts)
    assert _candidates_of(_FAST, text) == _candidates_of(_REFERENCE, text)
