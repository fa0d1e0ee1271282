"""The taxonomy file is valid data: ids, aliases, categories, tiers and examples."""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from etl.transforms.tagger import CATEGORIES, TAXONOMY_PATH, TIERS, Tagger, search_key


@pytest.fixture(scope="module")
def raw() -> dict:
    return tomllib.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.from_file(TAXONOMY_PATH)


def test_ids_are_unique_snake_case(raw):
    ids = list(raw["tech"])
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i == i.lower() for i in ids)


def test_known_categories_and_tiers(tagger):
    assert {e.tech.category for e in tagger.entries.values()} <= set(CATEGORIES)
    assert {e.tier for e in tagger.entries.values()} <= set(TIERS)


def test_no_alias_claimed_by_two_entries(tagger):
    owners: dict[str, set[str]] = {}
    for entry in tagger.entries.values():
        for form, _kind in entry.forms:
            owners.setdefault(search_key(form).strip(), set()).add(entry.tech.id)
    shared = {alias: ids for alias, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_no_alias_repeated_within_an_entry(raw):
    for tech_id, spec in raw["tech"].items():
        forms = spec.get("aliases", []) + spec.get("cased", []) + spec.get("ambiguous", [])
        repeated = [f for f, n in Counter(forms).items() if n > 1]
        assert repeated == [], tech_id


def test_high_tier_exactly_when_ambiguous_aliases(tagger):
    for entry in tagger.entries.values():
        has_ambiguous = any(kind == "ambiguous" for _form, kind in entry.forms)
        assert (entry.tier == "high") == has_ambiguous, entry.tech.id


def test_ambiguous_entries_have_positive_and_negative_examples(tagger):
    for entry in tagger.entries.values():
        if entry.tier == "high":
            assert entry.positive and entry.negative, entry.tech.id


def test_every_example_passes(tagger):
    failures = []
    for entry in tagger.entries.values():
        for sentence in entry.positive:
            if entry.tech not in tagger.technologies_in(sentence):
                failures.append(("missed", entry.tech.id, sentence))
        for sentence in entry.negative:
            if entry.tech in tagger.technologies_in(sentence):
                failures.append(("wrongly tagged", entry.tech.id, sentence))
    assert failures == []


def test_coverage_of_the_main_categories(tagger):
    counts = Counter(e.tech.category for e in tagger.entries.values())
    assert counts["language"] >= 45
    assert counts["database"] >= 45
    assert counts["cloud"] >= 16


def test_references_resolve_and_services_imply_their_parent(tagger):
    for entry in tagger.entries.values():
        parent = entry.tech.parent
        if parent:
            assert parent in tagger.technologies
            assert parent in entry.implies, entry.tech.id


def test_version_carries_a_content_hash(tagger, tmp_path):
    copy = tmp_path / "taxonomy.toml"
    copy.write_text(TAXONOMY_PATH.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    other = Tagger.from_file(copy)
    assert tagger.version.split("+")[0] == other.version.split("+")[0]
    assert tagger.version != other.version


def test_unknown_category_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\n[tech.foo]\nname = "Foo"\ncategory = "gadget"\n')
    with pytest.raises(ValueError, match="unknown category"):
        Tagger.from_file(bad)
