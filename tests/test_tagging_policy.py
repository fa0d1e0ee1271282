"""The tagging policy lives in the project (docs/tagging_policy.md) and is what the code cites."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "docs" / "tagging_policy.md"
CITERS = ["etl/data/taxonomy.toml", "etl/transforms/tagger.py", "tests/tagger_cases.toml",
          "docs/tagger.md"]


def test_the_policy_states_its_sections():
    text = POLICY.read_text(encoding="utf-8")
    for heading in ("Only the technology sense", "company relationships", "Negation", "Aliases",
                    "No language from a framework", "Shell", "SQL",
                    "Platform services and managed databases", "Categories judged"):
        assert heading in text, heading
    flat = " ".join(text.split())
    assert ("Supabase, Firebase Realtime Database, Firestore, PlanetScale and Neon are databases"
            in flat)


def test_taxonomy_tagger_and_cases_cite_the_policy_inside_the_project():
    for name in CITERS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "tagging_policy.md" in text, name
        assert "TAGGING_POLICY.md" not in text, name
