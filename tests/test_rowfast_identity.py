"""The per-row pre-tests of issue 11 item 2 (second pass) answer what the full searches answer.

Each pre-test lets a posting or a mention skip a regular expression when the expression cannot
match; these tests compare the fast function with the expressions searched every time, on
generated text built from the words the expressions hold and on the mentions of real and
sample postings.
"""

from __future__ import annotations

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
    """_excluded_by_before before its pre-tests: every pattern searched."""
    if fast._NEGATION.search(before) and not fast._NEGATION_EXCEPTION.match(after):
        return "negated"
    if fast._COMPARISON_BEFORE.search(before) or fast._like_is_comparison(before, after):
        return "comparison or partner"
    return None


_WORDS = sorted({*fast._NEGATION_ENDS, *fast._COMPARISON_ENDS, "do", "don't", "won't", "pas",
                 "similar", "compared", "rather", "such", "instead", "founders", "co-founder",
                 "early", "employees", "alumni", "trusted", "backed", "is", "it's", "languages",
                 "like", "LIKE", "No", "NOT", "Ex-", "(", "(think", "@", "à", "ſans", "K", "d’",
                 "don’t", "python", "skills", "but", "A", "la", "an", "ni", "Neither", "-", ":",
                 ",", ".", "\n", "\n-", "\u00a0", "\u2028", "\x1c", "é"})
_GLUE = st.sampled_from([" ", "", "  ", "\n", " - ", ": ", ", ", "\t", "\u00a0", "\x0b"])


@st.composite
def windows(draw) -> tuple[str, str]:
    parts = draw(st.lists(st.tuples(st.sampled_from(_WORDS), _GLUE), max_size=8))
    before = "".join(w + g for w, g in parts)[-fast.WINDOW:]
    after = draw(st.sampled_from(["", " is required", " but for", ", and more", " experience "
                                  "is necessary", " - we use it", " but in Go"]))
    return before, after


@settings(max_examples=3000, deadline=None)
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


def test_excluded_by_before_same_on_real_and_sample_mentions(shared_data, tmp_path):
    tagger = Tagger.default()
    texts = [posting_text(shared_data, x.source, x.file, x.id)
             for path in _LABELS for x in load_labels(path)]
    write_sample(tmp_path / "sample", n=600)
    texts += [f"{r['title']}\n\n{r['description']}"
              for r in sources()["sample"].read(tmp_path / "sample") if isinstance(r, dict)]
    checked = 0
    for text in texts:
        for before, after in _windows_of(tagger, text):
            assert fast._excluded_by_before(before, after) == \
                reference_excluded_by_before(before, after), before
            checked += 1
    assert checked > 5000


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
