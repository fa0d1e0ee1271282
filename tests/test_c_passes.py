"""The text passes in C (etl/transforms/_passes.c) give exactly what the Python passes give.

`python -m etl.compile` builds them beside the compiled tagger; etl.text.plain_text (its space
passes), etl.text.html_to_text (its tag passes) and the tagger's search_key, _glued_words,
alias search (alias_automaton, alias_hits; ahocorasick_rs is the reference) and glued-form test
(glued_forms_in) call them when they are built
(etl.transforms.C_PASSES). The Python passes are the reference (tests/pure_tagger.py runs
them without the C): these tests compare the two on real postings, on the synthetic sample, on
a seeded corpus of hostile strings and on generated text.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path

import ahocorasick_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import etl.text
from etl import compile as compiled
from etl.evaluate import LINKEDIN_SAMPLE, _linkedin, load_labels, posting_text
from etl.sample import write_sample
from etl.transforms import C_PASSES
from tests.pure_tagger import pure_tagger, pure_text
from tests.test_compiled_tagger import LABELS
from tests.test_tagger_fast_path import GAPS, PIECES, sample_texts

needs_build = pytest.mark.skipif(
    C_PASSES is None, reason="the C passes are not built here (python -m etl.compile says why)")

# characters where the passes decide something: spaces, breaks, dots, + and #, word characters
HOSTILE = " \t\n\r\x0b\x0c\x1c\x1f\x00\x7f.+#_-,;:!()<>&aAbZz09"
HOSTILE_WORDS = ["Net", "Js", "Io", "C++", "C#", "F#", "Node.js", ".NET", "ASP.NET", "e.g.",
                 "U.S.", "AWS.Experience", "scripting.1+", "Ruby+Javascript", "kdb+", "a+b", "+",
                 "#", ".", "..", " ", "\n", "\r\n", "\r", "\t", "\x0b", "\x1c", "  ", "3.5",
                 "Vue.Js", "x.Io", "ab.Net", "ab.Nets", "ab.Jsx", "Ab.Cde", "ab.1", "fooBar",
                 "ReactNode", "aB", "iOS", "\n \n", " \x0c \n"]


@cache
def tagger_python():
    """The tagger's Python passes (the reference)."""
    return pure_tagger().Tagger.default()


def hostile_texts(n: int, seed: int = 5) -> list[str]:
    """Strings of the characters and words where the passes decide something: short ones, and
    long runs of plain words with some of them in between."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice(HOSTILE) for _ in range(rng.randint(0, 40))) for _ in range(n)]
    texts += [rng.choice(["", " "]).join(rng.choice(HOSTILE_WORDS)
                                         for _ in range(rng.randint(0, 12))) for _ in range(n)]
    # long runs of plain words between them, which the C passes read eight characters at a time
    prose = ["experience", "with", "Python", "and", "the", "team", "a", "of"]
    texts += [" ".join(rng.choice(prose if rng.random() < 0.9 else HOSTILE_WORDS)
                       for _ in range(rng.randint(0, 80))) for _ in range(n // 4)]
    return texts


@cache
def alias_automaton():
    """The C automaton of the default taxonomy's alias keys."""
    return C_PASSES.alias_automaton(list(pure_tagger()._alias_keys(tagger_python().entries)))


def differing(texts: list[str]) -> list[tuple[str, str]]:
    """(pass, text) for each text where a C pass differs from its Python pass: plain_text (and
    etl.text.plain_text, which calls it after NFKC), tags_as_lines (and etl.text.html_to_text,
    which calls it), search_key, _glued_words, the alias search (in any order: the tagger
    sorts its hits) and glued_forms_in on the text and on its normalised form."""
    plain, tagger = pure_text(), pure_tagger()
    out = []
    for text in texts:
        if etl.text.plain_text(text) != plain.plain_text(text):  # with the C passes, and without
            out.append(("plain_text", text[:80]))
        nfkc = unicodedata.normalize("NFKC", text)
        if C_PASSES.plain_text(nfkc) != plain.plain_text(nfkc)[0]:
            out.append(("plain_text of NFKC", nfkc[:80]))
        if C_PASSES.tags_as_lines(text) != plain._tags_as_lines(text):
            out.append(("tags_as_lines", text[:80]))
        if etl.text.html_to_text(text) != plain.html_to_text(text):
            out.append(("html_to_text", text[:80]))
        for form in {text, tagger.normalise(text)}:
            if C_PASSES.search_key(form, tagger._ASCII_KEY, tagger._KEY_TABLE) != \
                    tagger.search_key(form):
                out.append(("search_key", form[:80]))
            if C_PASSES.glued_words(form, tagger._ASCII_SHAPE, tagger._SHAPE_TABLE) != \
                    tagger_python()._glued_words(form):
                out.append(("glued_words", form[:80]))
            key = tagger.search_key(form)
            if sorted(C_PASSES.alias_hits(alias_automaton(), key)) != \
                    sorted(tagger_python()._alias_search(key)):
                out.append(("alias_hits", form[:80]))
            if glued_forms_differ(form):
                out.append(("glued_forms_in", form[:80]))
    return out


@cache
def glued_automaton():
    """The C automaton of the default taxonomy's glued forms (as the compiled tagger makes it)."""
    return C_PASSES.alias_automaton(list(tagger_python()._glued))


def glued_forms_differ(text: str) -> bool:
    """Whether glued_forms_in says otherwise than the Python _may_hold_glued_forms on text's
    glued words, or counts other characters looked at."""
    python = tagger_python()
    shape, words = python._glued_words(text)
    before = python.work["glued"]
    held = python._may_hold_glued_forms(text, shape, words)
    looked_at = python.work["glued"] - before
    return C_PASSES.glued_forms_in(glued_automaton(), text, shape, words) != (held, looked_at)


def test_the_passes_are_built_where_they_can_be():
    missing = compiled.missing_tools()
    if missing or os.environ.get("HIRING_RADAR_PURE_PYTHON"):
        pytest.skip(f"the C passes cannot be built here: {missing or 'turned off'}")
    assert C_PASSES is not None, "python -m etl.compile (make setup) builds them; run it first"
    assert Path(C_PASSES.__file__).parent == compiled.compiled_folder()


@needs_build
def test_the_python_passes_are_the_reference():
    assert pure_text().C_PASSES is None and pure_tagger().C_PASSES is None
    assert pure_tagger().plain_text is pure_text().plain_text


@needs_build
def test_the_same_on_hostile_strings():
    texts = hostile_texts(20_000)
    assert sum(t.isascii() for t in texts) == len(texts)
    assert differing(texts) == []
    # and with characters past ASCII where the rules look: letters, digits, marks, spaces
    rng = random.Random(8)
    others = "éÉßİıΣσς٣²½\u0301\u00a0\u2028\u3000’“•K\U0001f680"
    texts = ["".join(rng.choice(HOSTILE + others) for _ in range(rng.randint(0, 40)))
             for _ in range(10_000)]
    assert differing(texts) == []
    # and with Latin-1 ones only, which CPython keeps at one byte a character as it does ASCII
    latin = "éÉßµ²½×ÿ\u00a0\u0085"
    texts = ["".join(rng.choice(HOSTILE + latin) for _ in range(rng.randint(0, 40)))
             for _ in range(5_000)]
    assert sum(max(t, default="a") > "\x7f" for t in texts) > 4_000
    assert differing(texts) == []


# characters and words where the tag passes decide: "<" and ">", the block tags' names in both
# cases (and the two letters Python's re folds with "i"), digits, white space, word characters
TAG_PIECES = ["<", ">", "/", " ", "\t", "\n", "\u3000", "\x1c", "li", "LI", "lI", "l\u0130",
              "l\u0131", "br", "BR", "p", "P", "div", "DIV", "dıv", "h", "H", "1", "\u0663", "tr",
              "ul", "ol", "ol1", "x", "_", "é", "-", "=", "'", "\"", "a", "pre", "h12",
              "\U0001f680", "<li>", "</li>", "<p>", "</P>", "<br/>", "< div class=a>", "<h3>",
              "<LI>", "<b>", "<l\u0131>"]


def tag_texts(n: int, seed: int = 11) -> list[str]:
    """Strings of TAG_PIECES: tags, half-tags, nested and unclosed ones; and a few where the
    first ">" after a "<" lies about 2,000 characters on (_ANY_TAG's bound)."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice(TAG_PIECES) for _ in range(rng.randint(0, 30))) for _ in range(n)]
    for inside in (1_998, 1_999, 2_000, 2_001, 2_002):
        texts += [f"a<{'x' * inside}>b", f"<{'é' * inside}><li>c>", f"<p <{'y' * inside}>d>"]
    return texts


@needs_build
def test_the_same_tags_dropped():
    texts = tag_texts(20_000)
    assert sum(C_PASSES.tags_as_lines(t) != t for t in texts) > 10_000
    assert differing(texts) == []
    assert C_PASSES.tags_as_lines("<ul><li>Go</li><LI class=x>Rust</ul><br/>x<pre>y</pre>") == \
        "\n\n- Go\n\n- Rust\n\nxy"
    assert C_PASSES.tags_as_lines("<a <li>x") == "<a \n- x"  # each pass over the last's text
    assert C_PASSES.tags_as_lines("<x <li> y>z") == "z"
    assert C_PASSES.tags_as_lines("</br><h1>T</h1><h12>u<  div\t>") == "\nT\nu\n"
    assert C_PASSES.tags_as_lines(f"<{'x' * 2_000}>a<{'x' * 2_001}>") == f"a<{'x' * 2_001}>"
    assert C_PASSES.tags_as_lines("é<l\u0131>\U0001f680") == "é\n- \U0001f680"
    with pytest.raises(TypeError):
        C_PASSES.tags_as_lines(b"<p>")


@needs_build
def test_the_same_on_the_labelled_postings_and_linkedin(shared_data):
    texts = [posting_text(shared_data, row.source, row.file, row.id)
             for path in LABELS for row in load_labels(path)]
    texts += list(_linkedin(shared_data / LINKEDIN_SAMPLE).values())
    texts += [pure_tagger().normalise(t) for t in texts]
    assert sum(t.isascii() for t in texts) > 1_000
    assert differing(texts) == []


@needs_build
def test_the_same_on_sample_postings(tmp_path):
    raw = write_sample(tmp_path / "raw", seed=13, n=5_000, until=dt.date(2026, 6, 30))
    texts = sample_texts(raw, raw_every=5)
    assert sum(t.isascii() for t in texts) > 1_000
    assert differing(texts) == []


@needs_build
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES + HOSTILE_WORDS), st.sampled_from(GAPS)),
                max_size=40))
def test_the_same_on_generated_text(parts):
    text = "".join(piece + gap for piece, gap in parts)
    ascii_text = text.encode("ascii", "replace").decode("ascii")  # each other character as "?"
    assert differing([text, ascii_text]) == []


@needs_build
def test_not_ascii_without_a_table_is_left_to_python():
    for text in ("café", "a\u00a0b", "C++ “x”", "\U0001f680 Go"):
        assert C_PASSES.search_key(text, pure_tagger()._ASCII_KEY) is None
        assert C_PASSES.glued_words(text, pure_tagger()._ASCII_SHAPE) is None
    assert C_PASSES.search_key("Café.Net", pure_tagger()._ASCII_KEY, pure_tagger()._KEY_TABLE) \
        == "café.net"


@needs_build
def test_known_answers():
    key, shape = pure_tagger()._ASCII_KEY, pure_tagger()._ASCII_SHAPE
    assert C_PASSES.plain_text("  a \t b  \r\n\n \n c  ") == "a b\n\nc"
    assert C_PASSES.plain_text("a\u00a0\u00a0b \u3000\n\u2028\nc\u3000") == "a b \u3000\n\nc"
    assert C_PASSES.search_key("Node.js, AWS.Experience and C++.", key) == \
        "node.js  aws experience and c++ "
    assert C_PASSES.search_key("ASP.Net Ruby+Javascript C#", key) == \
        "asp.net ruby javascript c#"
    assert C_PASSES.glued_words("use ReactNode and iOS", shape) == \
        ("aaa AaaaaAaaa aaa aAA", [(4, 13), (18, 21)])


@needs_build
def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="at least 128 bytes"):
        C_PASSES.search_key("python", b"short")
    with pytest.raises(ValueError, match="at least 128 bytes"):
        C_PASSES.glued_words("python", b"")
    with pytest.raises(TypeError):
        C_PASSES.plain_text(b"python")
    with pytest.raises(TypeError):
        C_PASSES.search_key(None, pure_tagger()._ASCII_KEY)
    with pytest.raises(KeyError):  # a table of images that lacks a character of the text
        C_PASSES.search_key("café", pure_tagger()._ASCII_KEY, {})
    with pytest.raises(ValueError, match="maps past ASCII"):
        C_PASSES.glued_words("café", pure_tagger()._ASCII_SHAPE, {ord("é"): ord("é")})


def test_turned_off_the_passes_are_python():
    code = ("from etl.transforms import C_PASSES; from etl.compile import tagger_runs; "
            "print(C_PASSES, tagger_runs())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "HIRING_RADAR_PURE_PYTHON": "1"}, check=True,
                          cwd=compiled.ROOT)
    assert done.stdout.strip() == "None as Python"


@needs_build
def test_the_benches_say_the_passes_run_compiled():
    assert compiled.tagger_runs() == "compiled"


# ------------------------------------------------------------------ the alias automaton

def _reference_hits(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    """Every occurrence of keys in " " + text + " " by ahocorasick_rs (the reference)."""
    automaton = ahocorasick_rs.AhoCorasick(keys, implementation=ahocorasick_rs.Implementation.DFA)
    return sorted(automaton.find_matches_as_indexes(f" {text} ", overlapping=True))


@needs_build
def test_alias_hits_in_long_texts_read_as_four_pieces():
    """A text of 1,024 characters or more is read as four pieces at once: keys that straddle
    where one piece ends, at every offset, are found once each, as are those at both ends."""
    keys = list(pure_tagger()._alias_keys(tagger_python().entries))
    automaton = alias_automaton()
    words = ["python", "java", "go", "amazon", "web", "services", "ruby", "on", "rails", "sql",
             "server", "c++", "node.js", "the", "a", "and", "with", "x"]
    rng = random.Random(11)
    texts = []
    for n in (1_023, 1_024, 1_025, 1_500, 4_099, 20_000):
        for _ in range(6):
            text = ""
            while len(text) < n:
                text += rng.choice(words) + rng.choice([" ", "  ", ", "])
            texts.append(text[:n])
    # keys packed end to end: each piece boundary falls inside one somewhere
    texts += [("amazon web services " * 100)[:k] for k in range(1_020, 1_100)]
    found = 0
    for text in texts:
        hits = C_PASSES.alias_hits(automaton, text)
        assert sorted(hits) == _reference_hits(keys, text)
        assert [end for _, _, end in hits] == sorted(end for _, _, end in hits)  # by end
        found += len(hits)
    assert found > 10_000


@needs_build
def test_alias_hits_of_keys_with_characters_past_ascii():
    """Keys of any characters (one class each, the rest one class), texts stored one, two and
    four bytes a character, keys that overlap and nest, short texts and long ones."""
    keys = [" ab ", "b", "bc", "é", "aé", "😀x", "x😀", "aaaa", "a", "ça va", "ab c", " "]
    automaton = C_PASSES.alias_automaton(keys)
    alphabet = ["a", "b", "c", " ", "é", "😀", "x", "ç", "v", "z", "ÿ", "Ā", "\U0001f600"]
    rng = random.Random(3)
    texts = ["", "a", "ab", "é", "😀x😀", "ça va", "aaaaaaaa", " ab  ab "]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3_000)))
              for _ in range(300)]
    kinds = set()
    for text in texts:
        hits = C_PASSES.alias_hits(automaton, text)
        assert sorted(hits) == _reference_hits(keys, text), text[:40]
        kinds.add(max(map(ord, text), default=0).bit_length() // 8)
    assert kinds == {0, 1, 2}  # ASCII or one byte, two bytes, four bytes a character
    assert C_PASSES.alias_hits(automaton, "") == [(11, 0, 1), (11, 1, 2)]  # two spaces
    assert sorted(C_PASSES.alias_hits(automaton, "ab")) == [
        (0, 0, 4), (1, 2, 3), (8, 1, 2), (11, 0, 1), (11, 3, 4)]


@needs_build
def test_alias_hits_with_a_key_longer_than_a_piece():
    keys = ["x" * 300, "xy", " y"]
    automaton = C_PASSES.alias_automaton(keys)
    for text in ["x" * 1_200 + "y", "x" * 5_000, ("x" * 299 + "y ") * 20]:
        assert sorted(C_PASSES.alias_hits(automaton, text)) == _reference_hits(keys, text)
    assert len(C_PASSES.alias_hits(automaton, "x" * 5_000)) == 5_000 - 300 + 1


@needs_build
def test_alias_automaton_refuses_bad_keys():
    with pytest.raises(ValueError, match="key 1: keys must be non-empty strings"):
        C_PASSES.alias_automaton(["a", ""])
    with pytest.raises(ValueError, match="key 2: keys must be non-empty strings"):
        C_PASSES.alias_automaton(["a", "b", 3])
    with pytest.raises(ValueError, match="key 2: the same as key 0"):
        C_PASSES.alias_automaton(["go", "java", "go"])
    with pytest.raises(TypeError):
        C_PASSES.alias_automaton(("a", "b"))
    with pytest.raises(ValueError):  # not an automaton
        C_PASSES.alias_hits(object(), "text")
    with pytest.raises(TypeError):
        C_PASSES.alias_hits(C_PASSES.alias_automaton(["a"]), b"text")
    assert C_PASSES.alias_hits(C_PASSES.alias_automaton(["zz"]), "no match here") == []
    assert C_PASSES.alias_hits(C_PASSES.alias_automaton([]), "x" * 2_000) == []  # no keys


@needs_build
def test_glued_forms_in_known_answers():
    automaton = glued_automaton()
    python = tagger_python()

    def held(text):
        shape, words = python._glued_words(text)
        return C_PASSES.glued_forms_in(automaton, text, shape, words)

    assert held("use ReactNodeTypescript") == (True, 19)  # "typescript" from a case change
    assert held("skillsAbility and DescriptionThis") == (False, 13 + 1 + 15)
    assert held("we like PostgresQL") == (True, 10)  # "postgresql", the whole word
    assert held("we like bigPostgresly") == (False, 13)  # "postgres" ends where no change is
    assert held("x bigDjango") == (True, 9)  # "django" from the case change to the word's end
    assert held("x myPHPer") == (False, 7)  # "php" ends where no case change is
    assert held("café iPhoneé") == (True, 7)  # a word not ASCII: looked at piece by piece
    assert held("plain words only") == (False, 0)
    assert C_PASSES.glued_forms_in(automaton, "abc", "aaa", []) == (False, 0)
    with pytest.raises(ValueError, match="inside the text"):
        C_PASSES.glued_forms_in(automaton, "abc", "aaa", [(1, 9)])
    with pytest.raises(ValueError, match="inside the text"):
        C_PASSES.glued_forms_in(automaton, "abc", "aaa", [(0, 1, 2)])
    with pytest.raises(ValueError, match="as long as the text"):
        C_PASSES.glued_forms_in(automaton, "abc", "aa", [])
    with pytest.raises(TypeError):
        C_PASSES.glued_forms_in(automaton, "abc", "aaa", ((0, 1),))


@needs_build
def test_glued_forms_in_as_python_on_generated_glued_words():
    """Words glued from the taxonomy's glued forms, their prefixes and plain words, in every
    case, with and without characters past ASCII."""
    forms = sorted(tagger_python()._glued)
    rng = random.Random(7)
    bits = forms + [f[:2] for f in forms[:50]] + ["ability", "this", "x", "é", "NET", "3"]
    texts = []
    for _ in range(3_000):
        words = []
        for _ in range(rng.randint(1, 6)):
            pieces = [rng.choice(bits) for _ in range(rng.randint(1, 4))]
            words.append("".join(rng.choice([p, p.capitalize(), p.upper(), p.lower()])
                                 for p in pieces))
        texts.append(" ".join(words))
    assert [t for t in texts if glued_forms_differ(t)] == []
    assert 300 < sum(held_by_python(t) for t in texts) < 2_900  # both answers are tested


def held_by_python(text: str) -> bool:
    python = tagger_python()
    shape, words = python._glued_words(text)
    return bool(words) and python._may_hold_glued_forms(text, shape, words)
