"""The technology pages: one per taxonomy category of the backend role, from categories.toml."""

from __future__ import annotations

from etl.transforms.tagger import CATEGORIES, Tagger
from radar import categories


def test_every_taxonomy_category_has_a_page_or_a_reason():
    pages = [c.id for c in categories.category_pages()]
    assert len(pages) == len(set(pages))
    assert set(pages).isdisjoint(categories.WITHOUT_PAGE)
    assert set(pages) | set(categories.WITHOUT_PAGE) == set(CATEGORIES)


def test_every_page_category_has_technologies_and_a_unique_address():
    used = {t.category for t in Tagger.default().technologies.values()}
    pages = categories.category_pages()
    assert {c.id for c in pages} <= used
    assert len({c.url_path for c in pages}) == len(pages)
    assert all(c.url_path == c.url_path.lower() and "/" not in c.url_path for c in pages)
    # the first three keep the addresses shared links already use
    assert [c.url_path for c in pages[:3]] == ["languages", "databases", "cloud"]
    assert categories.by_url_path("web-servers").id == "web_server"
    assert categories.by_url_path("nowhere") is None
