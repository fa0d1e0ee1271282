"""The technology categories that get a page, from radar/categories.toml (no Streamlit)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATEGORIES_PATH = Path(__file__).with_name("categories.toml")
HEADLINE = ("language", "database", "cloud")  # the Overview's tabs and the Salary page's choice


@dataclass(frozen=True)
class Category:
    """A taxonomy category with a page: its id, page title, one-item name, address and icon."""

    id: str
    title: str
    one: str
    url_path: str
    icon: str


@cache
def category_pages() -> tuple[Category, ...]:
    """Every category with a technology page, in navigation order."""
    data = tomllib.loads(CATEGORIES_PATH.read_text())
    return tuple(Category(id=key, **value) for key, value in data.items())


def titles() -> dict[str, str]:
    """Category id -> page title, for every category with a page."""
    return {c.id: c.title for c in category_pages()}


def by_url_path(url_path: str) -> Category | None:
    """The category whose page lives at this address, if any."""
    return next((c for c in category_pages() if c.url_path == url_path), None)


# Taxonomy categories without a page of their own, and why (their technologies still appear on
# Compare, Stacks and Learn next, and in the Overview's risers and fallers).
WITHOUT_PAGE = {
    "orm": "three entries; an ORM is named with its language's framework",
    "runtime": "three entries (Node.js and kin), shown beside the languages they run",
    "library": "a handful of libraries, not a skill of the role by themselves",
    "data": "data-engineering tools, another role's skills",
    "markup": "markup, not a backend skill",
    "platform": "a handful of platforms (Salesforce and kin)",
    "database_concept": "a concept (SQL as such), not a product",
}
