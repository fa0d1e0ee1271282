"""Staging rows from any source -> rows of the canonical posting schema.

Loaders say what their source knows; this module derives the rest the same way for every source:
ids, country and city from the location text, seniority and role family from the title (seniority
from the text when the title is silent), remote from the location, title and text, degree, years
of experience and employment type from the text when the source gives none
(``requirements.py``), and salary (parsed from text when needed, annualised, in USD).
Mappings (countries, cities, regions, title patterns) are data files in ``etl/data``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final, TextIO

from etl.jsonl import LineProblem, answer_jsonl
from etl.paths import ETL_DATA
from etl.sources.base import RecordProblem
from etl.transforms import requirements, salary
from etl.transforms.gate import gated
from etl.warehouse.schema import COLUMN_NAMES, posted_date_problem, posting_id, posting_problems

DATA: Final = ETL_DATA


# values kept by the pure functions of a field alone: places and titles repeat across postings
CACHED_VALUES: Final = 65_536


@dataclass(frozen=True)
class Place:
    country: str | None
    city: str | None


@dataclass(frozen=True)
class City:
    """A row of cities.csv: its country's code and the city's name."""
    country: str
    city: str


@cache
def _places() -> tuple[dict[str, City], dict[str, str], dict[str, str], dict[str, str]]:
    """Lookups: city alias -> City, country alias -> code, region -> code, code -> currency."""
    cities: dict[str, City] = {}
    countries: dict[str, str] = {}
    regions: dict[str, str] = {}
    currencies: dict[str, str] = {}
    with (DATA / "countries.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            currencies[row["code"]] = row["currency"]
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                countries[alias.lower()] = row["code"]
    with (DATA / "cities.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for alias in [row["city"], *filter(None, row["aliases"].split("|"))]:
                cities[alias.lower()] = City(row["country"], row["city"])
    with (DATA / "regions.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            regions[row["code"].lower()] = row["country"]
            regions[row["name"].lower()] = row["country"]
    return cities, countries, regions, currencies


_LOCATION_SPLIT: Final = gated(re.compile(  # etl/transforms/gate.py
    r"\s*(?:[,;|/()\[\]&+•·]|\s[-–—]\s|\bor\b|\band\b)\s*"))
_NOT_PLACE: Final = re.compile(
    r"\b(remote|hybrid|on-?site|onsite|in[- ]office|only|anywhere|global|"
    r"worldwide|preferred|timezone|tz|visa|relocation|full[- ]time)\b", re.I)
# words around a place name inside one part: "Onsite in San Francisco", "downtown Toronto",
# "Boston area", "US-based", "SF HQ"
_PLACE_FILLER: Final = re.compile(
    r"^(?:(?:based|located|onsite|on-site|remote|hiring|office|offices|hq|full-time|fully|"
    r"work|working|in|at|near|from|within|greater|downtown|central|our|the)\b[\s:-]*)+|"
    r"(?:[\s-]+(?:based|area|metro|region|hq|office|offices|headquarters|suburbs|downtown|"
    r"only|preferred|city centre|city center)\b)+$", re.IGNORECASE)
# states that share their name with a country
_SHARED_NAMES: Final = frozenset({"georgia"})
_WORD: Final = re.compile(r"[^\W\d_][\w.'-]*")


def _lookup(key: str) -> tuple[str, str] | None:
    """("country", code), ("city", name) or ("region", country code) of one place name."""
    cities, countries, regions, _ = _places()
    if key in countries:
        return "country", countries[key]
    if key in cities:
        return "city", cities[key].city
    if key in regions:
        return "region", regions[key]
    return None


def _inner_places(part: str) -> list[tuple[str, str]]:
    """Place names inside a part that is not one name: "Onsite in San Francisco", "London UK",
    "Austin TX". Longest names first; two-letter names only when written in capitals."""
    words = list(_WORD.finditer(part))
    found: list[tuple[str, str]] = []
    used: set[int] = set()
    for size in range(min(4, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            span = set(range(i, i + size))
            if span & used:
                continue
            text = part[words[i].start():words[i + size - 1].end()].rstrip(".")
            if len(text) <= 2 and not text.isupper():
                continue
            hit = _lookup(text.lower())
            if hit and not (hit[0] == "region" and len(text) > 2 and size == 1 and i == 0
                            and len(words) == 1):
                found.append(hit)
                used |= span
    return found


def names_a_place(segment: str) -> bool:
    """Whether a short text is made of place names only ("Bangkok, Thailand", "Czech Republic"),
    not a name that contains one ("Vermont Information Processing")."""
    parts = [p.strip(" .") for p in _LOCATION_SPLIT.split(segment) if p and p.strip(" .")]
    keys = [_NOT_PLACE.sub("", part).strip(" .-").lower() for part in parts]
    keys = [_PLACE_FILLER.sub("", key).strip(" .-") or key for key in keys if key]
    if len(keys) == 2 and len(keys[0].split()) <= 3 and (_lookup(keys[1]) or ("",))[0] == "country":
        return True  # a town the tables lack, in a country they know: "Chiang Mai, Thailand"
    hits = [_lookup(key) for key in keys]
    return bool(keys) and all(hits) and any(
        hit[0] != "region" or len(key) > 3 for hit, key in zip(hits, keys, strict=True) if hit)


def _city_country(country: str, after: list[str]) -> str:
    """The country of a city name, unless the part right after it is the code of a state or
    province of another country, in capitals: "Paris, TX", "Cambridge, MA", "London, ON",
    "Vienna, VA". Not when the code is also the city's own country's ("Toronto, CA", "Gurgaon,
    IN": Canada and India) or a later part names the city's country ("London (Victoria), UK");
    a name written out ("Tokyo and California") may be another place of a list."""
    code = after[0].strip(" .-") if after else ""
    if not (2 <= len(code) <= 3 and code.isupper()) or code == country:
        return country
    hit = _lookup(code.lower())
    if hit is None or hit[0] != "region" or any(
            _lookup(part.strip(" .-").lower()) == ("country", country) for part in after):
        return country
    return hit[1]


@lru_cache(maxsize=CACHED_VALUES)
def place_from_location(location: str | None) -> Place:
    """Country (ISO alpha-2) and city named in a location string such as "Berlin, Germany"."""
    if not location:
        return Place(None, None)
    cities, _, _, _ = _places()
    parts = [p.strip(" .") for p in _LOCATION_SPLIT.split(location) if p and p.strip(" .")]
    country = city = None
    region = None
    named_region = False
    for i, part in enumerate(parts):
        key = _NOT_PLACE.sub("", part).strip(" .-").lower()
        if not key:
            continue
        hits: list[tuple[str, str] | None] = [_lookup(key)]
        if hits[0] is None:
            bare = _PLACE_FILLER.sub("", key).strip(" .-")
            hits = [_lookup(bare)] if bare and bare != key else [None]
        if hits[0] is None:
            hits = list(_inner_places(_NOT_PLACE.sub("", part)))
        if (len(hits) == 1 and hits[0] and hits[0][0] == "region" and len(key) > 3
                and key not in _SHARED_NAMES):
            named_region = True  # a state or province written out ("Utah") names its country
        for kind, value in filter(None, hits):
            if kind == "country" and country is None:
                country = value
            elif kind == "city" and city is None:
                city = value
                country = country or _city_country(cities[value.lower()].country, parts[i + 1:])
            elif kind == "region" and region is None:
                region = value
    if country is None and region is not None and (len(parts) > 1 or city or named_region):
        country = region
    if city and country and cities[city.lower()].country != country:
        city = None
    return Place(country, city)


def currency_of(country: str | None) -> str | None:
    """The currency postings in a country are usually paid in."""
    return _places()[3].get(country) if country else None


@cache
def _title_rules() -> dict[str, list[tuple[str, re.Pattern]]]:
    rules = tomllib.loads((DATA / "roles.toml").read_text(encoding="utf-8"))

    def compile_all(entries, key):
        return [(e[key], re.compile(r"(?<![\w.#])(?:" + "|".join(e["patterns"]) + r")(?![\w#+])",
                                    re.IGNORECASE)) for e in entries]

    return {"seniority": compile_all(rules["seniority"], "level"),
            "role_family": compile_all(rules["role_family"], "family")}


@lru_cache(maxsize=CACHED_VALUES)
def seniority_from_title(title: str) -> str:
    """intern / junior / mid / senior / lead from title words; unknown when the title is silent."""
    for level, pattern in _title_rules()["seniority"]:
        if pattern.search(title):
            return level
    return "unknown"


@lru_cache(maxsize=CACHED_VALUES)
def role_family_from_title(title: str) -> str:
    """backend / frontend / fullstack / data / devops / mobile from title words, else other."""
    for family, pattern in _title_rules()["role_family"]:
        if pattern.search(title):
            return family
    return "other"


_REMOTE_WORDS: Final = (
    ("hybrid", re.compile(r"\bhybrid\b", re.I)),
    ("remote", re.compile(r"\bremote\b|\bfully distributed\b|\bwork from home\b|\bwfh\b", re.I)),
    ("onsite", re.compile(r"\bon-?site\b|\bin[- ]office\b|\bin[- ]person\b|\bvor ort\b", re.I)),
)
_REMOTE_IN_TEXT: Final = (
    ("hybrid", re.compile(r"\bhybrid (?:role|work|working|model|position|setup)\b|"
                          r"\b\d days? (?:a|per) week in (?:the )?office\b", re.I)),
    ("remote", re.compile(r"\b(?:fully|100 ?%|full[- ]?time|completely)[- ]remote\b|"
                          r"\bremote[- ]first\b|\bremote (?:role|position|job|work)\b", re.I)),
    ("onsite", re.compile(r"\bon-?site (?:role|position|only)\b|\bin our office\b", re.I)),
)
# per value, lower-case words one of which every match of its _REMOTE_IN_TEXT pattern holds: a
# text (case-folded) without one is not searched for the value (speed only). The longer the
# words, the fewer texts are searched: "office" alone let most texts through.
_REMOTE_IN_TEXT_HINTS: Final = {"hybrid": ("hybrid ", "week in "), "remote": ("remote",),
                                "onsite": ("onsite ", "on-site ", "in our office")}


def remote_from_text(location: str | None, title: str, description: str,
                     folded: str | None = None) -> str:
    """remote / hybrid / onsite as stated in the location or title, then in the text.
    ``folded``: salary.folded(description[:4000]) when the caller has it (folded_part)."""
    head = f"{location or ''} | {title}"
    for value, pattern in _REMOTE_WORDS:
        if pattern.search(head):
            return value
    text = description[:4000]
    folded = salary.folded(text) if folded is None else folded
    hints = _REMOTE_IN_TEXT_HINTS if len(folded) == len(text) else None
    for value, pattern in _REMOTE_IN_TEXT:
        if hints is not None and not any(h in folded for h in hints[value]):
            continue
        if pattern.search(text):
            return value
    return "unknown"


def pay_lines(description: str) -> list[str]:
    """Lines of a description that talk about pay (where a salary stated in text sits)."""
    return salary.pay_lines(description)


def salary_from_text(salary_text: str | None, description: str, currency: str | None,
                     multi_role: bool = True,
                     folded: str | None = None) -> salary.SalaryFigure | None:
    """The pay a posting states in words: its salary text, else the first pay line that parses;
    but when its pay lines together list several roles with pay, the pooled range of the
    engineering roles (docs/salary.md). ``multi_role=False`` turns that rule off. ``folded``:
    salary.folded(description) when the caller has it (folded_part)."""
    lines = salary.pay_lines(description, folded)
    first = None
    for text in ([salary_text] if salary_text else []) + lines:
        first = salary.parse_salary_text(text, default_currency=currency, multi_role=multi_role)
        if first is not None:
            break
    if multi_role and len(lines) > 1:
        pooled = salary.parse_salary_text("\n".join(lines), default_currency=currency)
        if pooled is not None and (pooled.roles > 1 or pooled.left_out) and not (
                first is not None and salary_text and _spans(first, pooled)):
            return pooled
    return first


def _spans(outer: salary.SalaryFigure, inner: salary.SalaryFigure) -> bool:
    """Whether a range stated for the whole posting already covers the roles' pooled range."""
    return ((outer.currency, outer.period) == (inner.currency, inner.period)
            and outer.min <= inner.min and inner.max <= outer.max and outer.min < outer.max)


def _salary_answer(record: dict, year: int) -> dict[str, Any]:
    text, currency = record["text"], record.get("currency")
    if currency is not None and not (isinstance(currency, str) and len(currency) == 3):
        raise LineProblem("'currency' must be an ISO 4217 code such as EUR")
    when = record.get("year", year)
    if not isinstance(when, int) or isinstance(when, bool):
        raise LineProblem("'year' must be an integer")
    figure = salary_from_text(None, text, currency.upper() if currency else None)
    if figure is None:
        return {"salary": None}
    return {"salary": {
        "min": figure.min, "max": figure.max, "currency": figure.currency,
        "period": figure.period,
        "annual_usd": salary.annual_usd(figure.min, figure.max, figure.currency, figure.period,
                                        when)}}


def salary_jsonl(lines: Iterable[str | bytes], out: TextIO, year: int | None = None) -> int:
    """Reads JSON Lines {"id", "text"} (optional "currency": what "$" or "kr" means, and "year"
    of the exchange rate); writes one line per input {"id", "salary": null | {"min", "max",
    "currency", "period", "annual_usd"}} read by the build's own parser; returns the count.
    A bad line writes {"id": null or its id, "error": "line N: ..."} and continues."""
    year = year or dt.date.today().year
    return answer_jsonl(lines, out, lambda record: _salary_answer(record, year))


def folded_part(text: str, start: int, end: int) -> str | None:
    """salary.folded(text[start:end]), cut from the folding of the whole text, which the
    requirement extractors keep (requirements.casefolded): a posting's text is folded once.
    None when folding changed the text's length (a cut would not line up): the caller folds
    its part itself. Case folding maps each character on its own, to one character or more,
    so when the lengths are equal each character folded to one and the cut is the part's."""
    folded = requirements.casefolded(text)
    return folded[start:end] if len(folded) == len(text) else None


def _salary_fields(row: dict, country: str | None, year: int, text: str) -> dict:
    """Salary columns: structured figures as given, else parsed from salary_text or from the
    description's pay lines; annualised in USD. ``text``: the posting's text, ending with the
    description (posting_row)."""
    lo, hi = row.get("salary_min"), row.get("salary_max")
    currency, period = row.get("salary_currency"), row.get("salary_period")
    if lo is None and hi is None:
        description = row.get("description") or ""
        figure = salary_from_text(row.get("salary_text"), description, currency_of(country),
                                  folded=folded_part(text, len(text) - len(description),
                                                     len(text)))
        if figure is not None:
            lo, hi, currency, period = figure.min, figure.max, figure.currency, figure.period
    if lo is not None and hi is None:
        hi = lo
    if hi is not None and lo is None:
        lo = hi
    annual = salary.annual_usd(lo, hi, currency, period, year)
    return {"salary_min": lo, "salary_max": hi, "salary_currency": currency,
            "salary_period": period, "salary_annual_usd": annual,
            "salary_is_estimate": bool(row.get("salary_is_estimate", False)),
            "salary_is_outlier": salary.is_outlier(annual)}


def _known(value: str) -> str | None:
    """value, or None when it is "unknown" (so the next source of the value is tried)."""
    return None if value == "unknown" else value


def _requirement_fields(staging: dict, text: str) -> dict:
    """Degree, equivalent experience and minimum years: as the source gives them, else as the
    text states them (docs/requirements.md). Each is read from the text only when the source
    does not give it (the extractors are pure, so skipping one changes no value)."""
    if staging.get("degree") is not None:
        return {"degree": staging["degree"],
                "degree_equivalent": staging.get("degree_equivalent"),
                "min_years_experience": staging["min_years_experience"]
                if "min_years_experience" in staging
                else requirements.min_years_experience(text)}
    years = staging.get("min_years_experience")
    degree, equivalent = requirements.degree_asked(text)
    return {"degree": degree, "degree_equivalent": equivalent,
            "min_years_experience": requirements.min_years_experience(text) if years is None
            else years}


def posting_row(staging: dict, source: str, ingested_at: dt.datetime) -> dict:
    """A schema row from a staging row; raises RecordProblem (the sources' one way to refuse a
    record, etl/sources/base.py) with the reason when the row cannot be used."""
    source_id = str(staging.get("source_id") or "").strip()
    title = " ".join(str(staging.get("title") or "").split())
    description = staging.get("description") or ""
    posted = staging.get("posted_date")
    if isinstance(posted, dt.datetime):
        posted = posted.date()
    if not source_id:
        raise RecordProblem("source_id is missing")
    if not title:
        raise RecordProblem("title is missing")
    if not isinstance(posted, dt.date):
        raise RecordProblem(f"posted_date {posted!r} is not a date")
    implausible = posted_date_problem(posted, ingested_at.date())
    if implausible:
        raise RecordProblem(implausible)
    location = staging.get("location_raw")
    place = place_from_location(location)
    text = f"{title}\n\n{description}"  # what the requirement extractors read
    after_title = len(title) + 2  # where the description starts in text
    country = staging.get("country") or place.country
    row = {
        "posting_id": posting_id(source, source_id),
        "source": source,
        "source_id": source_id,
        "posted_date": posted,
        "title": title,
        "company": (staging.get("company") or None),
        "location_raw": location,
        "country": country,
        "city": staging.get("city") or place.city,
        "remote": staging.get("remote") or remote_from_text(
            location, title, description, folded_part(text, after_title, after_title + 4000)),
        "seniority": staging.get("seniority") or _known(seniority_from_title(title))
        or requirements.seniority_stated(text),
        "role_family": staging.get("role_family") or role_family_from_title(title),
        "employment_type": staging.get("employment_type")
        or requirements.employment_type_stated(text),
        **_requirement_fields(staging, text),
        **_salary_fields(staging, country, posted.year, text),
        "description": description,
        "url": staging.get("url"),
        "ingested_at": ingested_at,
    }
    if row["salary_min"] is not None and row["salary_max"] is not None \
            and row["salary_min"] > row["salary_max"]:
        raise RecordProblem(
            f"salary_min {row['salary_min']} is above salary_max {row['salary_max']}")
    problems = posting_problems(row)
    if problems:
        raise RecordProblem("; ".join(problems))
    return {name: row[name] for name in COLUMN_NAMES}


@cache
def country_names() -> dict[str, str]:
    """Country display names by ISO alpha-2 code."""
    with (DATA / "countries.csv").open(newline="", encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}
