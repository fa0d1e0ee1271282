"""The tagger's fast passes give exactly what the passes they replaced gave.

`ReferenceTagger` is the tagger as it was before the speed work (issue 11): normalisation with
the regexes tried at every space, search keys through str.translate, every glued word looked at
piece by piece, the partner-list regex tried on every sentence, the aliases searched in
pyahocorasick's trie (a DFA now). The tests compare every mention (technology, offsets, surface,
rule) of the fast tagger with the reference on the labelled real
postings, on the golden sample and on generated hostile text. Both run on the tagger as plain
Python (tests/pure_tagger.py: the reference subclasses its Tagger, which a compiled class does
not allow); tests/test_compiled_tagger.py compares the compiled build with it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
import unicodedata
from pathlib import Path

import ahocorasick
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import text as text_passes
from etl.evaluate import load_labels, posting_text
from etl.sample import write_sample
from etl.text import html_to_text
from tests.pure_tagger import pure_tagger

# the tagger as plain Python (tests/pure_tagger.py): the reference below subclasses it
fast = pure_tagger()
_BACKED_BY = fast._BACKED_BY
_COMPARISON_AFTER = fast._COMPARISON_AFTER
_KEY_TABLE = fast._KEY_TABLE
_SHAPE_TABLE = fast._SHAPE_TABLE
TAXONOMY_PATH = fast.TAXONOMY_PATH
Tagger = fast.Tagger
_alias_keys = fast._alias_keys
_Candidate = fast._Candidate
_cuts = fast._cuts
_excluded_by_before = fast._excluded_by_before
_list_heads = fast._list_heads


def _may_exclude(before: str) -> bool:
    """The tagger's _may_exclude as first written: the last four words of the whole split."""
    words = before.rstrip(" :,\n").lower().replace("(", " ").split()[-4:]
    if not words:
        return False
    last = words[-1]
    if last[-1] in "-@" or last in fast._STRONG_WORDS or "like" in words:
        return True
    return last in fast._WEAK_WORDS and len(words) > 1 and words[-2] in fast._BEFORE_WEAK

_may_name_partners = fast._may_name_partners
_named_as_employer = fast._named_as_employer
_vetoed = fast._vetoed
_window_after = fast._window_after
_window_before = fast._window_before

LABELS = [Path(__file__).parent / "eval" / f"{name}_labels.jsonl"
          for name in ("dev", "holdout", "audit2", "era", "fresh")]

# ------------------------------------------------------------------ the passes as they were

_LINE_EDGES = re.compile(r" \n ?|\n ")
_PLUS_NOT_SUFFIX = re.compile(r"\+(?<![\w+]\+)|(?<=\w)\+(?=[A-Za-z])")


def reference_plain_to_text(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_EDGES.sub("\n", text_passes._SPACES.sub(" ", text))
    return text_passes._BLANK_LINES.sub("\n\n", text).strip()


def reference_normalise(text: str) -> str:
    if "<" in text or "&" in text:
        text = text_passes._LI_TAG.sub("\n- ", text)
        text = text_passes._BLOCK_TAGS.sub("\n", text)
        text = text_passes._ANY_TAG.sub("", text)
        text = html.unescape(html.unescape(text)) if "&amp;#" in text else html.unescape(text)
    text = reference_plain_to_text(text)
    for fancy, plain in fast._PUNCTUATION:
        text = text.replace(fancy, plain)
    return text


def reference_search_key(text: str) -> str:
    key = fast._DOT_GLUED.sub(" ", text).translate(_KEY_TABLE)
    key = fast._DOT_NOT_IN_WORD.sub(" ", key)
    key = _PLUS_NOT_SUFFIX.sub(" ", key)
    return fast._HASH_NOT_SUFFIX.sub(" ", key)


def reference_named_as_partner(text: str, start: int) -> bool:
    sentence = text[max(0, start - 150):start]
    cut = max(sentence.rfind(". "), sentence.rfind("\n"), sentence.rfind(";"))
    sentence = sentence[cut + 1:]
    intros = list(fast._PARTNER_INTRO.finditer(sentence))
    if not intros:
        return False
    names = fast._LIST_SPLIT.split(sentence[intros[-1].end():])
    return all(not n.strip() or fast._NAME.fullmatch(n.strip()) for n in names)


def reference_excluded(text: str, cand: _Candidate, head: int, partners: bool) -> str | None:
    after = _window_after(text, cand.end)
    if after[:1] in ("-", " ", ",", "'") and _COMPARISON_AFTER.match(after):
        return "comparison or partner"
    if after[:1] in (" ", "(", "|", ",") and _named_as_employer(text, cand):
        return "the employer"
    before = _window_before(text, head)
    if cand.entry.tech.category == "cloud" and _BACKED_BY.search(before):
        return "comparison or partner"
    if _may_exclude(before):
        why = _excluded_by_before(before, after)
        if why:
            return why
    if partners and reference_named_as_partner(text, head):
        return "comparison or partner"
    return None


def reference_automaton(tagger: Tagger) -> ahocorasick.Automaton:
    """The alias keys in pyahocorasick's trie, the search the tagger had before its DFA."""
    automaton = ahocorasick.Automaton()
    for key, value in _alias_keys(tagger.entries).items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


class ReferenceTagger(Tagger):
    """The tagger with the passes it had before the speed work."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._automaton = reference_automaton(self)

    def normalise(self, text: str) -> str:
        return reference_normalise(text)

    def _candidates(self, text: str) -> list[_Candidate]:
        hits = []
        for last, (length, variants) in self._automaton.iter(f" {reference_search_key(text)} "):
            start, end = last - length + 1, last - 1
            surface = text[start:end]
            for entry, form, kind in variants:
                if kind == "any" or surface == form:
                    hits.append(_Candidate(start, end, entry, form, kind))
                    break
        hits += self._glued_candidates(text)
        hits.sort(key=lambda c: (c.start, c.start - c.end))
        chosen: list[_Candidate] = []
        for cand in hits:
            if not chosen or cand.start >= chosen[-1].end:
                chosen.append(cand)
        return chosen

    def _glued_candidates(self, text: str) -> list[_Candidate]:
        shape = text.translate(_SHAPE_TABLE)
        out: list[_Candidate] = []
        cut = shape.find("aA")
        while cut >= 0:
            start = shape.rfind(" ", 0, cut) + 1
            end = shape.find(" ", cut)
            end = len(shape) if end < 0 else end
            bounds = [start, *(i + 1 for i in _cuts(shape, start, end)), end]
            for i, left in enumerate(bounds):
                for right in bounds[i + 1:]:
                    if right - left > self._glued_longest:
                        break
                    piece = text[left:right]
                    for entry, form, kind in self._glued.get(piece.lower(), ()):
                        if kind == "any" or piece == form:
                            out.append(_Candidate(left, right, entry, form, kind))
                            break
            cut = shape.find("aA", end)
        return out

    def _decide(self, text: str, cands: list[_Candidate]) -> None:
        for cand in cands:
            if _vetoed(text, cand):
                cand.status, cand.rule = False, "veto"
            elif cand.kind != "ambiguous":
                cand.status, cand.rule = True, f"alias '{cand.form}'"
        self._accept_with_evidence(text, cands)
        for cand in cands:
            if cand.status is None:
                cand.status, cand.rule = False, "no evidence"
        partners = _may_name_partners(text)
        heads = _list_heads(text, cands)
        exclusions = [reference_excluded(text, c, head, partners) if c.status else None
                      for c, head in zip(cands, heads, strict=True)]
        for cand, why in zip(cands, exclusions, strict=True):
            if why:
                cand.status, cand.rule = False, why


# ------------------------------------------------------------------ comparisons


_FAST = Tagger.from_file(TAXONOMY_PATH)
_REFERENCE = ReferenceTagger.from_file(TAXONOMY_PATH)


@pytest.fixture(scope="module")
def taggers() -> tuple[Tagger, ReferenceTagger]:
    return _FAST, _REFERENCE


def _tags(tagger: Tagger, text: str) -> list[tuple]:
    return [(m.technology.id, m.start, m.end, m.surface, m.rule) for m in tagger.mentions(text)]


def _differences(taggers, texts) -> list[tuple[int, list, list]]:
    fast_tagger, reference = taggers
    out = []
    for i, text in enumerate(texts):
        got, want = _tags(fast_tagger, text), _tags(reference, text)
        if got != want:
            out.append((i, got, want))
    return out


@pytest.mark.shared_data
def test_the_same_mentions_on_every_labelled_posting(shared_data, taggers):
    texts = [posting_text(shared_data, item.source, item.file, item.id)
             for path in LABELS for item in load_labels(path)]
    assert len(texts) >= 550
    assert _differences(taggers, texts) == []
    tagged = sum(bool(_tags(taggers[0], t)) for t in texts)
    assert tagged >= 400  # the comparison covers postings that name technologies


def sample_texts(raw: Path, raw_every: int) -> list[str]:
    """A written sample's texts as the build reads them (title and body as plain text), and
    every ``raw_every``-th one with its raw HTML body too."""
    texts = []
    for path in sorted(raw.glob("postings-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for i, line in enumerate(handle):
                record = json.loads(line)
                title, body = record.get("title") or "", record.get("description_html") or ""
                texts.append(f"{title}\n\n{html_to_text(body)}")
                if i % raw_every == 0:
                    texts.append(f"{title}\n\n{body}")
    return texts


def test_the_same_mentions_on_the_golden_sample(tmp_path, taggers):
    raw = write_sample(tmp_path / "raw", seed=7, n=60_000, until=dt.date(2026, 6, 30))
    texts = sample_texts(raw, raw_every=10)
    assert len(texts) >= 60_000
    assert _differences(taggers, texts) == []


PIECES = ["Python", "Go", "go", "C", "C++", "C#", "R", "Rust", "react", "ReactNode", "NodeJS",
          "TypeScriptPython", "experienceExperience", "teamPython", "skillsPostgreSQLand",
          "aboutC++Previous", "stackReactNode", "AWS.Experience", "scripting.1+ years",
          "Ruby+Javascript", "kdb+", ".NET", "Node.js", "no", "not", "like", "customers include",
          "trusted by", "Clients, such as", "engineers at", "powering", "Organisations like",
          "partners:", "superpowers", "investors are",
          "people of", "backed by", "Stripe", "AWS", "Lambda", "Postgres", "&amp;", "&#35;", "<li>",
          "<br>", "</p>", "İstanbul", "ǅ", "Σ", "é", "K", "’", "•", "\u200b", "\u00ad", "ﷺ",
          "–", "—", "“x”", "\u2011", "\ufe58", "\ufe31", "\uff0d", "\u0301", "&rsquo;",
          "&#8211;", "<a title=’x’>", "–\u0301"]
GAPS = [" ", "  ", "\t", "\u00a0", "\n", " \n ", "\n\n\n", "\r\n", ", ", ". ", "/", "; ", "", "-",
        " \t\u00a0 ", "\u3000", "\x0c", "\x1c"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40))
def test_the_same_passes_on_generated_text(parts):
    text = "".join(piece + gap for piece, gap in parts)
    assert fast.normalise(text) == reference_normalise(text)
    assert fast.search_key(text) == reference_search_key(text)
    normalised = fast.normalise(text)
    spans = fast.partner_stem_spans(normalised)  # the stems found once (ASCII texts only)
    for start in range(0, len(normalised) + 1, 7):
        want = reference_named_as_partner(normalised, start)
        assert fast._named_as_partner(normalised, start) == want
        assert fast._named_as_partner(normalised, start, spans) == want


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40))
def test_the_same_mentions_on_generated_text(parts):
    text = "".join(piece + gap for piece, gap in parts)
    assert _differences((_FAST, _REFERENCE), [text]) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_the_same_passes_on_any_text(text):
    assert fast._may_exclude(text) == _may_exclude(text)
    assert fast._translated(text, fast._ASCII_KEY, _KEY_TABLE) == text.translate(_KEY_TABLE)
    assert fast._translated(text, fast._ASCII_SHAPE, _SHAPE_TABLE) == text.translate(_SHAPE_TABLE)
    assert fast.normalise(text) == reference_normalise(text)
    assert fast.search_key(text) == reference_search_key(text)
    assert _differences((_FAST, _REFERENCE), [text]) == []


def test_many_distinct_characters_take_the_one_pass_path():
    """One replacement per changed character would be a pass over the text per character
    (quadratic for a posting of many distinct symbols): past a few dozen, one pass instead."""
    text = "".join(chr(0x2200 + i) + "É" + chr(0x0410 + i % 32) for i in range(200))
    for ascii_table, table in ((fast._ASCII_KEY, _KEY_TABLE), (fast._ASCII_SHAPE, _SHAPE_TABLE)):
        assert fast._translated(text, ascii_table, table) == text.translate(table)
    calls = []
    original = fast._NON_ASCII

    class Counting:
        def sub(self, repl, string):
            calls.append(len(string))
            return original.sub(repl, string)

    fast._NON_ASCII = Counting()
    try:
        fast._translated(text, fast._ASCII_KEY, _KEY_TABLE)
        fast._translated("Résumé, naïve", fast._ASCII_KEY, _KEY_TABLE)
    finally:
        fast._NON_ASCII = original
    assert calls == [len(text)]  # the many-symbol text took the one pass, the short one not


def test_punctuation_replaced_first_gives_the_same_text():
    """normalise replaces typographic punctuation before the other passes (a text whose only
    non-ASCII characters it was is then ASCII for them); the reference replaces it last. Every
    such character beside every combining mark, and beside the compatibility characters that
    NFKC turns into one of them, in ASCII and non-ASCII company, with spaces, tags and entities."""
    marks = [chr(c) for c in range(0x300, 0x3100) if unicodedata.combining(chr(c))]
    into = [c for c in map(chr, range(0xA0, 0x10000))
            if any(f in unicodedata.normalize("NFKC", c) for f, _ in fast._PUNCTUATION)
            and c not in dict(fast._PUNCTUATION)]
    assert {"\ufe58", "\ufe31", "\ufe32", "\u013f"} <= set(into)
    checked = 0
    for fancy, _ in fast._ONE_FOR_ONE:
        for other in [*marks, *into]:
            for text in (f"a{fancy}{other}b", f"{other}{fancy} é", f"<p>x {fancy} </p>&amp;{other}",
                         f" {fancy}\u200b {other}\n\n\n{fancy}"):
                assert fast.normalise(text) == reference_normalise(text), ascii(text)
                checked += 1
    assert checked > 10_000
