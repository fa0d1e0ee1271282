"""The tagger's bounded passes: work (characters and candidates looked at, counted by the tagger
itself, not seconds) grows linearly with the text, and the bounds change no result."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.transforms.tagger import (
    _NEG_LIST_GAP,
    _SHAPE_TABLE,
    TAXONOMY_PATH,
    Tagger,
    _list_heads,
    _listed_with,
)

# work per character of normalised text: a glued word looks up every run of at most the longest
# glued form (about 30 characters) from each case change, so the constant is large but fixed
WORK_PER_CHAR = 400
NFKC_MAX_EXPANSION = 18  # U+FDFA is the longest NFKC expansion: 18 characters for one

HOSTILE_BLOCKS = ["aB", "ǅ", "ﷺ", "Go, ", "Rust, ", "Python, ", "no ", "or ", "and ",
                  "JavaScriptTypeScript", "ReactNode", "C++Previous", "AWS.Experience", "<", "&",
                  "\n", " ", ".", "x", "PostgreSQL", "like ", "customers include "]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(HOSTILE_BLOCKS), st.integers(1, 3000)),
                min_size=1, max_size=6))
def test_work_grows_linearly_with_the_text(blocks):
    tagger = Tagger.from_file(TAXONOMY_PATH)
    text = "".join(block * times for block, times in blocks)
    normalised = tagger.normalise(text)
    assert len(normalised) <= NFKC_MAX_EXPANSION * len(text)
    tagger.mentions_in_normalised(normalised)
    work = sum(tagger.work.values())
    assert work <= WORK_PER_CHAR * (len(normalised) + 1), (len(normalised), dict(tagger.work))


def test_the_reported_hostile_postings_cost_work_in_proportion_to_their_length():
    tagger = Tagger.from_file(TAXONOMY_PATH)
    for unit in ("aB", "ǅ", "Go, Python, Rust, "):
        costs = []
        for times in (1000, 2000, 4000):
            tagger.work.clear()
            tagger.mentions(unit * times)
            costs.append(sum(tagger.work.values()))
        assert costs[0] > 0
        # twice the text, twice the work (a quadratic pass would give four times)
        assert costs[2] <= 2.2 * costs[1] <= 2.2 * 2.2 * costs[0], (unit, costs)


def test_a_list_of_45000_names_is_tagged_in_one_pass_per_name():
    tagger = Tagger.from_file(TAXONOMY_PATH)
    text = ", ".join(["Python", "Rust", "PostgreSQL", "Redis", "Go"] * 9000)
    found = tagger.technologies_in("Stack: " + text)
    assert [t.name for t in found] == ["Python", "Rust", "PostgreSQL", "Redis", "Go"]
    assert tagger.work["list"] <= 2 * 45_000
    negated = tagger.technologies_in("We use no " + text)
    assert negated == []


def _reference_heads(text, cands) -> list[int]:
    """The unbounded walk back the tagger did before: each candidate walks to its list's head."""
    out = []
    for i in range(len(cands)):
        head = i
        while (head > 0 and cands[head - 1].status
               and _listed_with(text, cands[head - 1], cands[head], _NEG_LIST_GAP)):
            head -= 1
        out.append(cands[head].start)
    return out


NAMES = ["Go", "PHP", "Java", "Python", "Rust", "MySQL", "Scala", "Ruby", "React", "Node"]
GAPS = [", ", " or ", " and ", " / ", " ", " but not ", ". ", " with "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "no ", "not ", "without "]),
                          st.sampled_from(NAMES), st.sampled_from(GAPS)), min_size=1, max_size=30))
def test_list_heads_in_one_pass_equal_the_walk_back(parts):
    tagger = Tagger.from_file(TAXONOMY_PATH)
    text = "".join(neg + name + gap for neg, name, gap in parts)
    cands = tagger._candidates(text)
    for k, cand in enumerate(cands):
        cand.status = k % 4 != 3  # some rejected candidates break lists
    assert _list_heads(text, cands) == _reference_heads(text, cands)


def _reference_pieces(tagger: Tagger, text: str, bounds: list[int]) -> list[tuple]:
    """Every run between case changes looked up, however long (the pass before it was bounded)."""
    out = []
    for i, left in enumerate(bounds):
        for right in bounds[i + 1:]:
            piece = text[left:right]
            for entry, form, kind in tagger._glued.get(piece.lower(), ()):
                if kind == "any" or piece == form:
                    out.append((left, right, entry.tech.id, form))
                    break
    return out


GLUED = ["React", "Node", "Typescript", "Python", "Postgres", "Kafka", "Docker", "aB", "ǅ", "x",
         "Kubernetes", "İstanbul", "Previous", "Java", "Script"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(GLUED), min_size=1, max_size=25))
def test_bounded_glued_pieces_equal_the_unbounded_ones(words):
    tagger = Tagger.from_file(TAXONOMY_PATH)
    text = tagger.normalise("".join(words))
    shape = text.translate(_SHAPE_TABLE)
    bounds = [0]
    cut = shape.find("aA")
    while cut >= 0:
        bounds.append(cut + 1)
        cut = shape.find("aA", cut + 1)
    bounds.append(len(text))
    got = [(c.start, c.end, c.entry.tech.id, c.form) for c in tagger._pieces(text, bounds)]
    assert got == _reference_pieces(tagger, text, bounds)
