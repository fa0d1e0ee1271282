"""The requirement extractors' pre-filters change nothing (issue 11 item 2).

The fast module (etl/transforms/requirements.py) scans a posting once for the hint words of each
extractor and reads only the lines holding one; the reference copy
(tests/reference_code/requirements_before_speed.py) lowers and searches every line for every
hint. Both read the same word lists, so any difference is the pre-filters' fault.
"""

from __future__ import annotations

import json
import re
from dataclasses import astuple
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.evaluate_requirements import posting_text
from etl.sample import write_sample
from etl.sources import sources
from etl.transforms import requirements as fast
from tests.reference_code import requirements_before_speed as reference
from tests.regex_strings import matched_strings

EVAL = Path(__file__).parent / "eval"

# Texts made to hit the edges of the pre-filters: case folding that changes a text's length
# (İ), words run over a line break, web addresses inside a line, "|" lists, long list items,
# camel-cased runs ("fieldBachelor"), hyphens before a word, carriage returns, empty lines.
EDGE_TEXTS = [
    "",
    "\n\n\n",
    "Senior Backend Engineer",
    "İNTERN wanted\nWe are hiring a Senior Engineer (full-time)",
    "Looking for a product\nmanager, or\nabove. Head\nof Engineering",
    "Senior or https://example.com/jobs above\nJunior www.example.com developer",
    "Acme | Senior Backend Engineer | Remote | Full-time | $150k\nInterns welcome",
    "Sr. Product Manager, Search - There's a huge opportunity for someone who knows search "
    "ranking and relevance well enough to lead it from day one",
    "Great roleBachelor's degree in CS required\nfieldMaster's preferred or equivalent",
    "BS in Computer Science\nMS\nB.S. or M.S. degree\nJ.D. required\nPhD",
    "Part and Full-Time\nContract-to-hire\n6 month\ncontract role\n-Contract\nabc-Full-Time",
    "Senior-level engineer, 5+ years\r\nJunior-to-mid developer\r\n3 years of experience",
    "We are looking for an intern\nBackend, Web or Android Engineer | VISA, REMOTE, INTERNS",
    "Temporary, seasonal roles\nFixed-term contract (12 months)\nFreelance B2B",
    "ΣΟΦΙΑ ΣΕΝΙΟΡ engineer\nK\u212a senior ſenior developer\nDevOps Lead",
    "Title\n\n" + "x" * 300 + " senior engineer\n" + "lead " * 40,
    "Contract Licensed Clinical Psychologist\nMid-level",
    "if you are looking for an internship, apply elsewhere\nWe are hiring: Staff Engineer",
    "EXPERIENCE: 5 YEARS\nExp Level: 3-5 Yrs\n7 YOE\n4+ yoe (backend)\nTwo (2) years or more of",
    "Experience level: 4 years\nexperienceThree years\nSeniorDeveloper, 2 yrs exp",
]


@pytest.fixture(scope="module")
def sample_texts(tmp_path_factory) -> list[str]:
    """Title and body of 3,000 synthetic postings, as the build hands them to the extractors."""
    raw = tmp_path_factory.mktemp("raw") / "sample"
    write_sample(raw, n=3000)
    items = [i for i in sources()["sample"].read(raw) if isinstance(i, dict)]
    return [f"{' '.join(str(i.get('title') or '').split())}\n\n{i.get('description') or ''}"
            for i in items]


def _labelled_texts(shared: Path) -> list[str]:
    texts = []
    for path in sorted(EVAL.glob("*_labels.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(posting_text(shared, row["source"], row["file"], str(row["id"])))
    return texts


def _differences(texts: list[str]) -> list[tuple[str, tuple, tuple]]:
    found = []
    for text in texts:
        old = astuple(reference.requirements_in(text))
        new = astuple(fast.requirements_in(text))
        if old != new:
            found.append((text[:80], old, new))
    return found


def test_edge_texts_give_the_same_requirements():
    assert _differences(EDGE_TEXTS) == []


def test_sample_postings_give_the_same_requirements(sample_texts):
    assert len(sample_texts) > 2900
    assert _differences(sample_texts) == []


def test_labelled_postings_give_the_same_requirements(shared_data):
    texts = _labelled_texts(shared_data)
    assert len(texts) > 1000  # every labelled set: tagger and requirement labels
    assert _differences(texts) == []


def test_lines_with_finds_the_lines_searching_finds(sample_texts):
    rules = fast._rules()
    cases = [(rules["degree_hints"], rules["degree_hints_cs"], rules["degree_hints_cs_literals"]),
             (rules["years_hints"], None, ()), (rules["all_employment_hints"], None, ()),
             (rules["degree_hints"], re.compile(r"(?i)senior\s+engineer"), ())]
    for text in [*EDGE_TEXTS, *sample_texts[:500]]:
        for hints, pattern, literals in cases:
            assert fast._lines_with(text, hints, pattern, literals) == \
                fast.lines_with_by_search(text, hints, pattern), text[:80]


def _lines_holding_by_search(text: str, words: tuple[str, ...]) -> set[int]:
    return {i for i, line in enumerate(text.split("\n")) if any(w in line for w in words)}


def test_lines_holding_finds_every_line_holding_a_word(sample_texts):
    """One scan without overlapping matches finds every line a word is in."""
    rules = fast._rules()
    for text in [*EDGE_TEXTS, *sample_texts[:500]]:
        for words in (rules["role_hints"], rules["years_hints"], rules["all_employment_hints"]):
            assert fast._lines_holding(text.lower(), words) == \
                _lines_holding_by_search(text.lower(), words), text[:80]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["ab", "bc", "abc", "c", "\n", "x", "é", "a", "b", " ", "€",
                                 "😀", "–", "\ud800", "ß"]), max_size=30),
       st.sets(st.sampled_from(["ab", "bc", "abc", "b", "ca", "é", "xa", "cab", "€b", "😀",
                                "–c", "ß"]), min_size=1))
def test_lines_holding_finds_every_line_holding_overlapping_words(pieces, words):
    """Over characters of one to four UTF-8 bytes (and a lone surrogate): the scan reads the
    bytes, the lines are the text's."""
    text, words = "".join(pieces), tuple(sorted(words))
    assert fast._lines_holding(text, words) == _lines_holding_by_search(text, words)


def test_role_contexts_are_the_same(sample_texts):
    for text in [*EDGE_TEXTS, *sample_texts[:1000]]:
        assert fast._role_contexts(text) == reference._role_contexts(text), text[:80]


def test_factored_patterns_match_the_same_spans(sample_texts):
    """Employment words and hiring phrases: the word start tried once before all alternatives
    finds the same matches as trying it before each one."""
    new, old = fast._rules(), reference._rules()
    pairs = [(a, b) for (_, a), (_, b) in zip(new["employment"], old["employment"], strict=True)]
    pairs.append((new["hiring"], old["hiring"]))
    for text in [*EDGE_TEXTS, *sample_texts[:1000]]:
        for a, b in pairs:
            assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_hiring_phrases_found_where_they_start(sample_texts):
    """Trying the hiring phrases only where a start word starts finds what finditer finds."""
    pattern = fast._rules()["hiring"]
    for text in [*EDGE_TEXTS, "This has an as-is bias; is a senior role\nas a lead", "İs a role",
                 *sample_texts[:1000]]:
        assert [m.span() for m in fast._hiring_matches(text)] == \
            [m.span() for m in pattern.finditer(text)], text[:80]


# Texts where a years figure opens with a hyphen (_WORD_START after a run-together word), is
# cased in odd ways or sits after a character whose folding changes the text's length
YEARS_TEXTS = [
    "Relevant field-Experience: 5 years\nfield-EXP 3-4 yrs",
    "EXPERIENCE - 2 YEARS; Exp Level: 10+ Yrs\nexperienceThree years, exp. 1 yr",
    "İ years 3\nExperience: 4 years\n10+ years for the Principal role, and 5+ for the Senior",
    "2 years for seniors and 1 for the junior\nYears: 5 and 3+ for the lead\nyear-round",
    "exp-exp-exp 2 years\n-Experience 7 years and 2 for the staff",
]


def test_years_figures_found_where_their_words_start(sample_texts):
    """The figures after "experience" (tried only where "exp" starts or at a hyphen right
    before it) and the per-role figures (only where "year" starts) are the matches finditer
    finds."""
    rules = fast._rules()
    for text in [*EDGE_TEXTS, *YEARS_TEXTS, *sample_texts[:1000]]:
        for pattern, word, opening in ((rules["years_after_experience"], "exp", "-"),
                                       (rules["years_for_role"], "year", "")):
            assert [m.span() for m in fast._matches_where_words_start(
                pattern, text, (word,), opening)] == \
                [m.span() for m in pattern.finditer(text)], text[:80]


def test_a_years_figure_can_open_with_a_hyphen():
    """The hyphen is needed: such a match starts one before the word, and without the hyphen
    offsets the scan misses it."""
    pattern, text = fast._rules()["years_after_experience"], YEARS_TEXTS[0]
    assert [text[m.start()] for m in pattern.finditer(text)] == ["-", "-"]
    assert fast._matches_where_words_start(pattern, text, ("exp",)) == []


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="ab .!?;\nXy\t\u2028", max_size=40))
def test_sentence_ends_as_written_first(text):
    """_SENTENCE_END, opened with one class of characters, ends sentences where its first form
    did."""
    first = re.compile(r"[.!?;](?=\s|[A-Z])|\n")
    assert [m.span() for m in fast._SENTENCE_END.finditer(text)] == \
        [m.span() for m in first.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["intern", "intermediate", "dir", "director", "cto", "sr", "jr",
                                 "mid", "medior", "grad", "co-op", "coop", "ent", "entry",
                                 "staff", "lead", "vp", "x", " ", "-", "é", "ſ"]), max_size=12))
def test_levels_hinted_by_one_scan(pieces):
    """One scan of every level's hints finds the levels whose hints a search for each level
    finds, hints inside other hints included."""
    folded = "".join(pieces)
    hints = fast._rules()["level_hints"]
    assert fast._levels_hinted(folded) == {
        level for level in fast.LEVELS
        if re.search("|".join(map(re.escape, hints[level])), folded)}


def test_levels_found_with_the_level_hints(sample_texts):
    """Skipping a level whose hints are not in a snippet changes no level found."""
    for text in [*EDGE_TEXTS, *sample_texts[:1000]]:
        for _, snippet, needs_noun in fast._role_contexts(text):
            assert fast._level_in(snippet, needs_noun) == \
                reference._level_in(snippet, needs_noun), snippet


def test_every_role_noun_and_degree_abbreviation_holds_a_hint():
    """The hint lists cover their patterns: each role noun and level word holds one of its hints,
    each hiring phrase starts with a start word, each case-kept degree abbreviation matched holds
    one of its literals."""
    rules = fast._rules()
    hints = rules["role_hints"]
    words = fast.tomllib.loads(fast.WORDS.read_text(encoding="utf-8"))["seniority"]

    def held(pattern: str, hints: tuple[str, ...]) -> bool:  # "co-?op" holds "coop"
        plain = pattern.lower()
        return any(h in plain or h in re.sub(r".\?", "", plain) for h in hints)

    assert [n for n in words["role_nouns"] if not held(n, hints)] == []
    for level in fast.LEVELS:
        assert [w for w in words[level] if not held(w, rules["level_hints"][level])] == []
    assert [p for p in words["hiring_phrases"]
            if not p.lower().startswith(rules["hiring_starts"])] == []
    abbreviations = ["BS", "BA", "MS", "MA", "B.S", "B.A", "M.S", "M.A", "BSc", "MSc", "BSEE",
                     "MSCS", "B.Sc", "M.Sc", "J.D."]
    for word in abbreviations:
        for m in rules["degree_hints_cs"].finditer(f"a {word} b"):
            assert any(lit in m[0] for lit in rules["degree_hints_cs_literals"]), m[0]


def test_signature_lines_are_the_ones_the_whole_pattern_finds(sample_texts):
    """_signature (the anchored alternatives tried at the start, the others only in a part
    holding one of their hints) against the whole pattern's search, on every line of the
    samples and on parts made to hold signatures, hints and characters whose case is odd."""
    whole = reference._rules()["not_role_line"]
    parts = ["Jane Doe, CTO", "  I'm the founder", "Our Head of Data", "our VP", "our vp",
             "Reach me at", "My name", "mY cTo", "our ceo", "ſome VP", "our Director",
             "Joe Bloggs | co-founder", "İ am the CTO", "I am the CEO — hiring", "K our CTO",
             "Engineer (our founder's team)", "cto", "Our  the cto", "ours ceo"]
    for text in [*EDGE_TEXTS, *sample_texts[:1000]]:
        parts.extend(text.split("\n"))
    assert sum(fast._signature(p) for p in parts) > 10
    assert [p for p in parts if fast._signature(p) != (whole.search(p) is not None)] == []


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["our", "my", "i'm", "i am", " ", "the", "CTO", "cto", "Vp",
                                 "FOUNDER", "co-founder", "head", "Jane", "Doe", ",", "|", "é",
                                 "İ", "ſ", "-", "x"]), max_size=10))
def test_signature_on_generated_parts(words):
    part = " ".join(words)
    assert fast._signature(part) == (reference._rules()["not_role_line"].search(part) is not None)


def test_every_signature_said_anywhere_holds_a_hint():
    """not_role_line is searched only in parts holding one of its hints; the anchored ones
    open with "^", so trying them at the start finds what a search finds."""
    words = fast.tomllib.loads(fast.WORDS.read_text(encoding="utf-8"))["seniority"]
    hints = fast._rules()["not_role_line_hints"]
    for pattern in words["not_role_line"]:
        strings = matched_strings(pattern)
        assert strings, pattern
        assert [m for m in strings if not any(h in m.lower() for h in hints)] == [], pattern
    assert all(p.startswith("^") for p in words["not_role_line_start"])


@pytest.mark.parametrize("kind", fast.EMPLOYMENT_TYPES)
def test_every_string_an_employment_type_matches_holds_a_type_hint(kind):
    """A type is looked for only in text holding one of its type hints (``type_hints``), so
    every string one of its patterns matches must hold one: "full[- ]?time" as "full-time",
    "full time" and "fulltime" alike."""
    words = fast.tomllib.loads(fast.WORDS.read_text(encoding="utf-8"))["employment"]
    hints = fast._rules()["employment_hints"][kind]
    assert list(hints) == words["type_hints"][kind]
    for pattern in words[kind]:
        strings = matched_strings(pattern)
        assert strings, pattern
        assert [m for m in strings if not any(h in m.lower() for h in hints)] == [], pattern


def test_a_type_hint_left_out_is_found():
    """The check above fails when a hint a pattern needs is missing (here "part time")."""
    hints = [h for h in fast._rules()["employment_hints"]["part_time"] if h != "part time"]
    missed = [m for m in matched_strings("part[- ]?time") if not any(h in m for h in hints)]
    assert missed == ["part time"]
