"""Unit tests of the tagger API: normalisation, offsets, implied mentions, JSON Lines."""

from __future__ import annotations

import io
import json

import pytest

from etl.transforms.tagger import CATEGORIES, Mention, Tagger, Technology, tag_jsonl


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.default()


def names(tagger: Tagger, text: str) -> list[str]:
    return [t.name for t in tagger.technologies_in(text)]


def test_default_is_cached_and_versioned(tagger):
    assert Tagger.default() is tagger
    assert "+" in tagger.version and len(tagger.version.split("+")[1]) == 8


def test_judged_categories_are_declared():
    assert CATEGORIES[:3] == ("language", "database", "cloud")


def test_technology_records(tagger):
    s3 = tagger.technologies["s3"]
    assert s3 == Technology("s3", "S3", "cloud_service", "aws")
    assert tagger.technologies["python"].parent is None


def test_normalise_decodes_html_and_entities(tagger):
    assert tagger.normalise("<p>C&#35; &amp; F&#x23;</p>") == "C# & F#"
    assert tagger.normalise("ＰｙｔｈｏｎＡＢ") == "PythonAB"


def test_offsets_index_the_normalised_text(tagger):
    raw = "<p>We use <b>Go</b>&#x2F;Postgres &amp; C&#35; on AWS.</p>"
    text = tagger.normalise(raw)
    explicit = [m for m in tagger.mentions(raw) if m.start >= 0]
    assert [m.surface for m in explicit] == ["Go", "Postgres", "C#", "AWS"]
    for m in explicit:
        assert text[m.start:m.end] == m.surface


def test_implied_mentions_follow_their_source(tagger):
    found = tagger.mentions("Files in S3 and a Node.js API")
    assert [(m.technology.id, m.start) for m in found][:2] == [("s3", 9), ("aws", -1)]
    implied = found[1]
    assert implied == Mention(tagger.technologies["aws"], -1, -1, "", "implied by S3")
    # named tuples of the class, made without its __new__: fields by name, as a dict
    assert all(type(m) is Mention for m in found)
    assert found[0]._asdict() == {"technology": tagger.technologies["s3"], "start": 9, "end": 11,
                                  "surface": "S3", "rule": found[0].rule}
    assert [m.technology.id for m in found][2:] == ["nodejs", "javascript"]


def test_technologies_are_unique_in_order_of_first_mention(tagger):
    assert names(tagger, "Python, then Go, then Python again, Golang") == ["Python", "Go"]


def test_technology_columns_count_each_texts_mentions(tagger):
    """One row per text x technology, in order of first mention, with the first mention's
    surface and rule and how many mentions (implied ones too) name it."""
    texts = ["Python, then Go, then python again, Golang", "", "Files in S3, Amazon S3 and AWS",
             "No technology here"]
    at, techs, surfaces, rules, counts = tagger.technology_columns(texts)
    assert [(i, t.id, s, n) for i, t, s, n in zip(at, techs, surfaces, counts, strict=True)] == [
        (0, "python", "Python", 2), (0, "go", "Golang", 1),
        (2, "s3", "S3", 2), (2, "aws", "", 2)]
    assert rules[3] == "implied by S3"
    # what the mentions give, text by text
    for i, text in enumerate(texts):
        found = tagger.mentions(text)
        rows = [j for j, k in enumerate(at) if k == i]
        assert [techs[j] for j in rows] == list(dict.fromkeys(m.technology for m in found))
        assert [counts[j] for j in rows] == [
            sum(m.technology == techs[j] for m in found) for j in rows]
        assert [(surfaces[j], rules[j]) for j in rows] == [
            next((m.surface, m.rule) for m in found if m.technology == techs[j]) for j in rows]


def test_plus_hash_dot_boundaries(tagger):
    assert names(tagger, "C++, C#, F#, .NET, ASP.NET, Node.js") == [
        "C++", "C#", "F#", ".NET", "ASP.NET", "Node.js", "JavaScript"]
    assert names(tagger, "scalable javascripting trust gopher") == []
    assert names(tagger, "see main.go and index.js") == []


def test_rules_explain_matches(tagger):
    first, second = tagger.mentions("Backend written in Go; golang")
    assert first.rule == "context rule go: cue before 'end written in'"
    assert second.rule == "alias 'golang'"


def test_title_and_body_are_both_searched(tagger):
    assert names(tagger, "Senior Rust Engineer\n\nWe also use Postgres.") == ["Rust", "PostgreSQL"]


def test_tag_jsonl_writes_one_line_per_input():
    lines = ['{"id": "a", "text": "Python and Postgres on AWS"}\n',
             '{"id": 7, "text": "No technology here"}\n']
    out = io.StringIO()
    assert tag_jsonl(lines, out) == 2
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0] == {"id": "a", "technologies": [
        {"name": "Python", "category": "language"},
        {"name": "PostgreSQL", "category": "database"},
        {"name": "AWS", "category": "cloud"}]}
    assert rows[1] == {"id": 7, "technologies": []}


def test_tag_jsonl_reports_bad_lines_and_continues():
    lines = ['{"id": 1, "text": "Go developer"}', "{not json", '{"id": 3}', "[1, 2]",
             '{"id": 5, "text": "Kotlin"}']
    out = io.StringIO()
    assert tag_jsonl(lines, out) == 5
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0]["technologies"] == [{"name": "Go", "category": "language"}]
    assert rows[1]["id"] is None and rows[1]["error"].startswith("line 2:")
    assert rows[2]["id"] == 3 and rows[2]["error"].startswith("line 3:")
    assert rows[3]["id"] is None and rows[3]["error"].startswith("line 4:")
    assert rows[4]["technologies"] == [{"name": "Kotlin", "category": "language"}]


def test_tag_jsonl_skips_blank_lines():
    out = io.StringIO()
    assert tag_jsonl(["\n", '{"id": 1, "text": "Ruby"}\n', "   \n"], out) == 1
