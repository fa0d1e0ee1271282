"""The dashboard's filters as a plain value: bound as query parameters, carried in the URL.

Nothing here knows Streamlit; ``app.py`` draws the widgets and builds a :class:`Filters`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from etl.warehouse.schema import REMOTE, ROLE_FAMILY, SENIORITY

LIST_FIELDS = ("countries", "remote", "seniority", "role_family", "sources")
URL_KEYS = ("from", "to", *LIST_FIELDS)  # the URL parameters the shared filters own
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Filters:
    """Date range (first days of months, inclusive) and value lists; an empty list means all."""

    date_from: dt.date
    date_to: dt.date
    countries: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    seniority: tuple[str, ...] = ()
    role_family: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def params(self) -> dict:
        """Named query parameters ($date_from, $date_to, $countries, ...) for the SQL files."""
        out = {"date_from": self.date_from, "date_to": self.date_to}
        out.update({name: list(getattr(self, name)) for name in LIST_FIELDS})
        return out

    def describe(self) -> str:
        """A one-line human description, for chart footers and exports."""
        parts = [f"{self.date_from:%Y-%m} to {self.date_to:%Y-%m}"]
        for name in LIST_FIELDS:
            values = getattr(self, name)
            if values:
                parts.append(f"{name.replace('_', ' ')}: {', '.join(values)}")
        return "; ".join(parts)

    def slug(self) -> str:
        """A filename-safe summary: date range and any narrowed filters."""
        parts = [f"{self.date_from:%Y%m}-{self.date_to:%Y%m}"]
        for name in LIST_FIELDS:
            values = getattr(self, name)
            if values:
                parts.append("-".join(re.sub(r"[^a-z0-9]+", "", v.lower()) for v in values))
        return "_".join(parts)[:120]


@dataclass(frozen=True)
class Choices:
    """What the warehouse offers: the allowed values of each filter."""

    first_month: dt.date
    last_month: dt.date
    countries: tuple[str, ...]
    sources: tuple[str, ...]
    remote: tuple[str, ...] = REMOTE
    seniority: tuple[str, ...] = SENIORITY
    role_family: tuple[str, ...] = ROLE_FAMILY
    technologies: tuple[str, ...] = field(default=())
    last_complete_month: dt.date | None = None  # None: the last month is complete

    @property
    def incomplete_month(self) -> dt.date | None:
        """The last month when its postings are not all in yet, else None."""
        complete = self.last_complete_month
        return self.last_month if complete is not None and complete < self.last_month else None

    def defaults(self) -> Filters:
        """Everything up to the last complete month, no narrowing."""
        return Filters(self.first_month, self.last_complete_month or self.last_month)


def month_start(day: dt.date) -> dt.date:
    """The first day of day's month."""
    return day.replace(day=1)


def to_query_params(filters: Filters, choices: Choices, extra: dict | None = None) -> dict:
    """URL query parameters for filters that differ from the defaults (short, shareable)."""
    out: dict[str, str] = {}
    if filters.date_from != choices.first_month:
        out["from"] = f"{filters.date_from:%Y-%m}"
    if filters.date_to != choices.defaults().date_to:
        out["to"] = f"{filters.date_to:%Y-%m}"
    for name in LIST_FIELDS:
        values = getattr(filters, name)
        if values:
            out[name] = ",".join(values)
    out.update(extra or {})
    return out


def from_query_params(params: dict, choices: Choices) -> tuple[Filters, list[str]]:
    """Filters from URL parameters, and a notice for each value refused (defaults used instead)."""
    notices: list[str] = []
    base = choices.defaults()
    date_from = _month_param(params.get("from"), base.date_from, "from", notices)
    date_to = _month_param(params.get("to"), base.date_to, "to", notices)
    if date_from > date_to:
        notices.append(f"date range {date_from:%Y-%m} to {date_to:%Y-%m} runs backwards: "
                       "showing the whole range")
        date_from, date_to = base.date_from, base.date_to
    date_from = max(date_from, choices.first_month)
    date_to = min(date_to, choices.last_month)
    if date_from > date_to:
        notices.append("date range is outside the data: showing the whole range")
        date_from, date_to = base.date_from, base.date_to
    values = {}
    for name in LIST_FIELDS:
        raw = params.get(name)
        if not raw:
            values[name] = ()
            continue
        allowed = getattr(choices, name)
        asked = [v.strip() for v in str(raw).split(",") if v.strip()]
        good = tuple(v for v in asked if v in allowed)
        bad = [v for v in asked if v not in allowed]
        if bad:
            notices.append(f"unknown {name.replace('_', ' ')} {', '.join(map(repr, bad))[:200]} "
                           "ignored")
        values[name] = good
    return replace(base, date_from=date_from, date_to=date_to, **values), notices


def _month_param(raw, default: dt.date, name: str, notices: list[str]) -> dt.date:
    if not raw:
        return default
    text = str(raw)
    if _MONTH.match(text):
        try:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:
            pass
    notices.append(f"{name}={text[:40]!r} is not a month (YYYY-MM): ignored")
    return default

