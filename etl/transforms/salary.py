"""Salary figures: read them from text, annualise a posted range and convert it to USD.

Exchange rates are the US Federal Reserve's published averages (H.10 daily / G.5A annual, as
packaged by the open ``datasets/exchange-rates`` project; public domain), shipped verbatim in
``etl/data/reference/`` (see its README). Every value there is units of the currency per US
dollar, the euro, pound, Australian and New Zealand dollar included. Country names map to ISO
codes through ``etl/data/fx_currencies.csv``. A year the yearly file lacks (the United Kingdom in
every year; the current, part-published year for all) is the average of its months, taken in US
dollars per unit as the Fed averages it. Currencies the Fed does not publish (PLN, CZK, HUF, RON,
ILS, TRY, ...) come from ``etl/data/fx_not_in_fed.csv``, compiled by hand from the IMF's yearly
period averages and rounded (AED is its official peg). The parser for salaries written as text
(``parse_salary_text``) lives here too."""

from __future__ import annotations

import bisect
import csv
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

import ahocorasick_rs

from etl.paths import ETL_DATA
from etl.transforms.gate import gated

DATA: Final = ETL_DATA
FX_YEARLY: Final = DATA / "reference" / "fx_yearly.csv"
FX_MONTHLY: Final = DATA / "reference" / "fx_monthly.csv"
FX_CURRENCIES: Final = DATA / "fx_currencies.csv"
FX_NOT_IN_FED: Final = DATA / "fx_not_in_fed.csv"

# Periods per year used to annualise: a working year of 52 weeks, 260 days, 2080 hours.
PERIODS_PER_YEAR: Final = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}

# Annual USD pay outside this range is kept but flagged, never charted.
# (not Final: mypyc leaves a Final tuple of floats unset, "value for final name was not set")
PLAUSIBLE_ANNUAL_USD = (3_000.0, 1_500_000.0)


def fed_currency_codes(path: Path = FX_CURRENCIES) -> dict[str, str]:
    """ISO 4217 code for each country name the Fed's tables use ("Euro" -> "EUR")."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["country"]: r["currency"] for r in csv.DictReader(fh)}


def _reference_rows(path: Path) -> list[tuple[str, int, int, float]]:
    """(country, year, month, units per USD) rows of a Fed reference table (Date,Country,value)."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header[:2] != ["Date", "Country"] or len(header) != 3:
            raise ValueError(f"{path}: header {header} is not Date,Country,<rate>")
        rows = []
        for line, (date, country, value) in enumerate(reader, start=2):
            try:
                rows.append((country, int(date[:4]), int(date[5:7]), float(value)))
            except ValueError as err:
                raise ValueError(f"{path}: row {line}: {date},{country},{value}: {err}") from err
        return rows


def fed_yearly_rates(yearly: Path = FX_YEARLY, monthly: Path = FX_MONTHLY,
                     currencies: Path = FX_CURRENCIES) -> dict[tuple[str, int], float]:
    """Units per USD keyed by (currency, year): the Fed's yearly averages, and for a year the
    yearly file lacks, the average of its months taken in USD per unit (then inverted)."""
    codes = fed_currency_codes(currencies)
    rates = {(codes[c], y): v for c, y, _, v in _reference_rows(yearly) if c in codes}
    months: dict[tuple[str, int], list[float]] = {}
    for country, year, _, value in _reference_rows(monthly):
        if country in codes and (codes[country], year) not in rates and value > 0:
            months.setdefault((codes[country], year), []).append(1 / value)
    for key, usd_per_unit in months.items():
        rates[key] = len(usd_per_unit) / sum(usd_per_unit, 0.0)
    return rates


def other_yearly_rates(path: Path = FX_NOT_IN_FED) -> dict[tuple[str, int], float]:
    """Units per USD keyed by (currency, year) for currencies the Fed does not publish."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {(r["currency"], int(r["year"])): float(r["units_per_usd"])
                for r in csv.DictReader(fh)}


@cache
def fx_rates() -> dict[tuple[str, int], float]:
    """Units of currency per USD keyed by (currency, year): the Fed's first, then the others."""
    return {**other_yearly_rates(), **fed_yearly_rates()}


@cache
def _years_by_currency() -> dict[str, list[int]]:
    years: dict[str, list[int]] = {}
    for currency, year in sorted(fx_rates()):
        years.setdefault(currency, []).append(year)
    return years


def units_per_usd(currency: str, year: int) -> float | None:
    """The year's average rate for currency, the nearest year's when that year is not listed."""
    if currency == "USD":
        return 1.0
    rates = fx_rates()
    if (currency, year) in rates:
        return rates[(currency, year)]
    years = _years_by_currency().get(currency)
    if not years:
        return None
    nearest = min(years, key=lambda y: abs(y - year))
    return rates[(currency, nearest)]


def annual_amount(amount: float, period: str) -> float:
    """An amount per period expressed per year (hourly x2080, daily x260, monthly x12)."""
    return amount * PERIODS_PER_YEAR[period]


def annual_usd(salary_min: float | None, salary_max: float | None, currency: str | None,
               period: str | None, year: int) -> float | None:
    """Annualised midpoint of a posted range in USD, or None when it cannot be computed."""
    if currency is None or period not in PERIODS_PER_YEAR:
        return None
    figures = [v for v in (salary_min, salary_max) if v is not None]
    if not figures:
        return None
    rate = units_per_usd(currency, year)
    if rate is None:
        return None
    midpoint = sum(figures) / len(figures)
    return round(annual_amount(midpoint, period) / rate, 2)


def is_outlier(annual_usd_value: float | None) -> bool:
    """Whether an annual USD figure is outside the plausible range for a salary."""
    if annual_usd_value is None:
        return False
    low, high = PLAUSIBLE_ANNUAL_USD
    return not (low <= annual_usd_value <= high)


# --- Salary written as text --------------------------------------------------------------------

@dataclass(frozen=True)
class SalaryFigure:
    """A salary found in text: a range (min == max for a single figure) per period."""

    min: float
    max: float
    currency: str | None  # ISO 4217; None when the text names none and no default was given
    period: str  # one of etl.warehouse.schema.SALARY_PERIOD
    text: str  # the part of the input the figure was read from
    roles: int = 1  # engineering roles whose ranges were pooled (several-role postings)
    left_out: int = 0  # figures of other roles (sales, ...) left out


# Symbols and prefixes, longest first; "$" and a few others are resolved against the default.
_SYMBOLS: Final = {
    "US$": "USD", "USD$": "USD", "CA$": "CAD", "C$": "CAD", "CAD$": "CAD", "AU$": "AUD",
    "A$": "AUD", "AUD$": "AUD", "NZ$": "NZD", "S$": "SGD", "SG$": "SGD", "HK$": "HKD",
    "R$": "BRL", "MX$": "MXN", "E£": "EGP", "KSh": "KES", "Rs.": "INR", "Rs": "INR",
    "$": "$", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "¥", "₩": "KRW", "₪": "ILS", "₱": "PHP",
    "₴": "UAH", "₦": "NGN", "₺": "TRY", "Fr.": "CHF", "zł": "PLN", "zl": "PLN", "Kč": "CZK",
    "Ft": "HUF", "lei": "RON", "kr": "kr", "euros": "EUR", "euro": "EUR", "dollars": "$",
    "Euros": "EUR", "Euro": "EUR", "EUROS": "EUR", "EURO": "EUR",
}
_CODES: Final = (
    "USD EUR GBP AUD NZD CAD INR PLN BRL SEK NOK CHF SGD JPY MXN DKK ILS ZAR CZK HUF RON TRY HKD "
    "CNY RMB KRW AED ARS COP PHP UAH NGN KES EGP TWD MYR THB IDR"
).split()
_DOLLAR_CURRENCIES: Final = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "COP"}
_KRONA_CURRENCIES: Final = {"SEK", "NOK", "DKK"}

_CURRENCY: Final = "|".join(
    re.escape(s) for s in sorted([*_SYMBOLS, *_CODES], key=len, reverse=True)
)
# ASCII digits only; thousands grouped by . , ' ’ or a space, Indian lakh grouping, or none.
_NUMBER: Final = (r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}(?![0-9])"
                  r"|[0-9]{1,3}(?:[.,'’ ][0-9]{3})+(?![0-9])(?:[.,][0-9]{1,2}(?![0-9]))?"
                  r"|[0-9]+(?:[.,][0-9]{1,2}(?![0-9]))?")
_MULT: Final = (r"LPA|lpa|[Ll]akhs?|[Ll]acs?|L|[Cc]rores?|cr|[kK]|tys\.?|thousand"
                r"|[mM](?:n|m|illion)?|[bB](?:n|illion)?")
_NOT_LETTER: Final = r"(?![^\W\d_])"


def _amount(n: int) -> str:
    return (rf"(?:(?P<pre{n}>{_CURRENCY})\s?)?(?P<num{n}>{_NUMBER})"
            rf"(?:\s?(?P<mult{n}>{_MULT})(?!\w))?"
            rf"(?:\s?(?P<suf{n}>{_CURRENCY}){_NOT_LETTER})?")


# gated (etl/transforms/gate.py): these three are searched, and open with a lookbehind or an
# alternation of words that re would otherwise try at every position
_SALARY_RE: Final = gated(re.compile(
    rf"(?<![\w.,$€£¥₹]){_amount(1)}"
    rf"(?:\s?(?:-|~|to|bis|à|a|até)\s?~?{_amount(2)})?(?![0-9])",
))

_QUALIFIERS: Final = (
    r"(?:\s*(?:\(?(?:brutto|netto|gross|net|base|b2b|uop|ote|total|pre-?tax|before\s+tax"
    r"|salary|cash)\)?|,))*\s*")
_PERIOD_WORDS: Final = (
    ("hour", r"/\s?(?:hr|hour|h|std|stunde|godz\.?|heure)\b|p/h\b|per[\s-]+hour|an\s+hour"
             r"|a\s+hour|hourly"
             r"|p\.?h\.?\b|pro\s+stunde|de\s+l'heure|/h\b"),
    ("day", r"/\s?(?:day|d|tag|jour|dzień)\b|p/d\b|per[\s-]+day|a\s+day|daily|p\.?d\.?\b"
            r"|pro\s+tag|par\s+jour|day\s+rate"),
    ("week", r"/\s?(?:wk|week|woche)\b|per[\s-]+week|a\s+week|weekly|pro\s+woche|p\.?w\.?\b"),
    ("month", r"/\s?(?:mo|mth|month|monat|mois|mån|mnd|md|mies|mes|mês|miesiąc)\b\.?"
              r"|per[\s-]+month|por\s+m[eê]s"
              r"|a\s+month|monthly|p\.?m\.?(?!\w)|pro\s+monat|im\s+monat|monatlich|par\s+mois"
              r"|mensuel\w*|per\s+månad|i\s+månaden|per\s+måned|miesięcznie|al\s+mes|mensual"),
    ("year", r"/\s?(?:yr|year|y|annum|an|jahr|rok|år|año|ano)\b|per[\s-]+(?:year|annum)"
             r"|a\s+year|annually|annual|yearly|p\.?a\.?(?!\w)|pro\s+jahr|im\s+jahr|jährlich|par\s+an\b"
             r"|brut\s+annuel|annuel|rocznie|per\s+år|om\s+året|lpa\b"),
)
# (a "+" of "or more" before "/", "per", "a": "$1200+ per day", not "$200k+ monthly profit share")
_PERIOD_AFTER: Final = re.compile(
    r"(?:\+(?=\s*(?:/|per\b|an?\s)))?" + _QUALIFIERS
    + "(?:" + "|".join(f"(?P<{p}>{rx})" for p, rx in _PERIOD_WORDS) + ")",
    re.IGNORECASE,
)
_PERIOD_BEFORE: Final = gated(re.compile(
    r"(?:(?P<hour>hourly(?:\s+rate)?|per\s+hour)|(?P<day>day\s+rate|daily\s+rate|per\s+day)"
    r"|(?P<month>monthly|per\s+month|monatlich)|(?P<year>annual|yearly|per\s+annum))"
    r"\s*(?:salary|pay|rate|comp\w*)?\s*[:=]?\s*$",
    re.IGNORECASE,
))
# A figure with k but no currency counts when pay words follow it, or when it stands alone in a
# header field ("| 120k |") or after a pay word ("Salary: 150-200k.").
# ("150-230k+ + equity": the first "+" is "or more")
_BARE_K_STRONG: Final = re.compile(
    r"\+?\s*(?:\+\s*(?:equity|stock|options|bonus|benefits|rsus?|shares|commission|ote)"
    r"|(?:\+\s*|\(\s*)[\d.]+\s*(?:-\s*[\d.]+\s*)?%"
    r"|(?:base|salary|equity|bonus|ote|gross|brutto|netto|net|doe|tc|total\s+comp|cash|usd|eur"
    r"|gbp|plus\s+(?:equity|bonus|stock)|comp(?:ensation)?|pay|package"
    r"|\(\s*doe|(?:w/|with|and|&)\s*(?:[\w-]+\s+){0,2}(?:equity|stock|options|bonus)"
    r"|d(?:epending|ependent)\s+(?:up)?on\s+(?:your\s+)?experience|based\s+on\s+experience"
    r"|commensurate)\b)",
    re.IGNORECASE,
)
_BARE_K_WEAK: Final = re.compile(r"\s*(?:$|\n|[|,;.)\]/]|\+\s*(?:$|[|,;)])|\s-\s)")
_FIELD_START: Final = re.compile(r"(?:^|[|:(\[\n]|\s[-–—])\s*~?\s*$")
# words just before one amount with a sign that make it pay: "up to £55k", "starting at $90,000"
_PAY_BEFORE: Final = re.compile(
    r"(?:\b(?:up[\s-]*to|upto|start(?:s|ing)?\s+(?:at|from|around|between)|between|offering)"
    r"|\(\s*to)\s*~?\s*$", re.IGNORECASE)
_PAY_LINE_BEFORE: Final = 100  # how far back on its line a word of pay makes one amount pay
# ("$11,000+ MRR"; "70K weekly downloads", "10k monthly active users": up to two words between)
_TRAP_AFTER: Final = re.compile(
    r"\+?\s*(?:(?:daily|weekly|monthly|annual|yearly|active|paying|unique|new)\s+){0,2}"
    r"(?:(?:(?!(?:plus|and|with|or)\b)[\w&-]+\s+){0,4}"
    r"(?:budget|stipend|allowance|bonus|grant|valuation|funding|round)\b"
    r"|(?:in\s+)?(?:users|customers|clients|requests|req|rps|qps|rows|records|events|members"
    r"|employees|people|downloads|installs|stars|valuation|funding|round|raised|arr|mrr|revenue"
    r"|gmv|investment|budget|stipend|allowance|bonus|signing|relocation|referral|grant|seed"
    r"|series|in\s+sales|visitors|transactions|messages|devices|merchants|businesses|companies"
    r"|sites|lines|tests|servers|nodes|miles|km|sq|square|lbs)\b)",
    re.IGNORECASE,
)
_TRAP_BEFORE: Final = gated(re.compile(
    r"(?:raised|raising|funding|funded|valuation|valued\s+at|revenue|arr|mrr|gmv|investment"
    r"|grant|budget|stipend|allowance|bonus|reimbursement|series\s+\w"
    r"|\b(?:we|they|it)\s+(?:made|make|makes|earned|earn|generated|generate|did))"
    r"\s*(?:of\s+)?(?:over|about|~|nearly|up\s+to)?\s*$",
    re.IGNORECASE,
))
_SALARY_WORDS: Final = re.compile(
    r"salar(?:y|ies|ied)|compensation|\bcomp\b|\bpay(?:s|ing)?\b|\bbase\b|\bote\b|gehalt"
    r"|salaire|wynagrodzenie|lön"
    r"|sueldo|salário|stipendio|\|",
    re.IGNORECASE,
)
# 401(k)/403(b) plans, and the US 1099 contractor tax form ("contract on 1099 — $4,000/month")
_NOT_SALARY_CODES: Final = re.compile(
    r"\b40[13]\s?\(?[kKbB]\)?(?![\w])"
    r"|(?<![$€£¥₹\w.,])1099(?![\w.,]|\s?(?:/|per\b|an?\s+(?:hour|month|year)|hourly|monthly))")
_AMBIGUOUS_SYMBOLS: Final = {"$", "¥", "kr"}
_DASHES: Final = str.maketrans({"–": "-", "—": "-", "−": "-", "‒": "-", "\u00a0": " ",
                                "\u202f": " ", "\u2009": " ", "\u2007": " ", "’": "'", "\t": " "})
_MULTIPLIERS: Final = {"k": 1_000, "tys": 1_000, "thousand": 1_000, "lpa": 100_000, "lakh": 100_000,
                       "lakhs": 100_000, "lac": 100_000, "lacs": 100_000, "l": 100_000,
                       "crore": 10_000_000, "crores": 10_000_000, "cr": 10_000_000}
# Amounts per period outside these bounds are not read as pay at all.
_PERIOD_BOUNDS: Final = {"hour": (1, 5_000), "day": (10, 50_000), "week": (50, 200_000),
                         "month": (100, 100_000_000), "year": (1_000, 10_000_000_000)}
# An undated figure whose yearly USD value would be below this reads as monthly pay.
_MONTHLY_BELOW_USD: Final = 12_000
_REFERENCE_YEAR: Final = 2024


def _number(raw: str) -> Decimal:
    """A number written with thousands separators and an optional 1-2 digit decimal part."""
    raw = raw.replace(" ", "").replace("'", "")
    decimals = re.search(r"[.,]([0-9]{1,2})$", raw)
    whole = raw[:decimals.start()] if decimals else raw
    return Decimal(re.sub(r"[.,]", "", whole) + (f".{decimals[1]}" if decimals else ""))


def _multiplier(word: str | None) -> int | None:
    """The factor a multiplier word stands for; None for millions and billions (never pay)."""
    if not word:
        return 1
    word = word.lower().rstrip(".")
    return _MULTIPLIERS.get(word)


def _currency(token: str | None, default: str | None) -> str | None:
    """ISO code for a symbol or code, resolving '$', '¥' and 'kr' against the default."""
    if not token:
        return None
    code = _SYMBOLS.get(token, token.upper())
    if code == "RMB":
        return "CNY"
    if code == "$":
        return default if default in _DOLLAR_CURRENCIES else "USD"
    if code == "¥":
        return "CNY" if default == "CNY" else "JPY"
    if code == "kr":
        return default if default in _KRONA_CURRENCIES else None
    return code


def _infer_period(amount: float, currency: str | None) -> str:
    """Year, or month when the figure would be implausibly low as yearly pay."""
    rate = units_per_usd(currency, _REFERENCE_YEAR) if currency else None
    return "month" if amount / (rate or 1.0) < _MONTHLY_BELOW_USD else "year"


def _line_before(text: str, end: int, limit: int) -> str:
    """Up to ``limit`` characters of text before ``end``, from the start of their line."""
    return text[max(0, end - limit):end].rsplit("\n", 1)[-1]


def _candidate(text: str, m: re.Match, default: str | None
               ) -> tuple[int, int, tuple[float, float, str | None, str]] | None:
    """(score, end offset, (min, max, currency, period)) for one number match, or None."""
    m1 = _multiplier(m["mult1"])
    m2 = _multiplier(m["mult2"]) if m["num2"] else 1
    if m1 is None or m2 is None:
        return None
    tokens = [t for t in (m["pre1"], m["suf1"], m["pre2"], m["suf2"]) if t]
    # a code or unambiguous symbol wins over "$": "$105,000 - $125,000 CAD" is Canadian
    specific = [_currency(t, default) for t in tokens
                if _SYMBOLS.get(t, t.upper()) not in _AMBIGUOUS_SYMBOLS]
    explicit = next((c for c in [*specific, *(_currency(t, default) for t in tokens)] if c),
                    None)
    has_symbol = any(tokens)
    lo = _number(m["num1"])
    hi = _number(m["num2"]) if m["num2"] else None
    if hi is not None and m["mult2"] and not m["mult1"] and lo < 1000:
        m1 = m2  # "$170-225K", "12-18 LPA": the multiplier is written once, after the range
    if hi is not None and m["mult1"] and not m["mult2"] and hi < 1000:
        m2 = m1  # "$120k-150"
    low = float(lo * m1)
    high = float(hi * m2) if hi is not None else low
    if hi is not None and (low <= 0 or max(low, high) / max(min(low, high), 1e-9) > 10):
        return None
    mult_words = {(m["mult1"] or "").lower(), (m["mult2"] or "").lower()}
    before = text[max(0, m.start() - 40):m.start()]
    after = text[m.end():m.end() + 60]
    if _TRAP_BEFORE.search(before) or _TRAP_AFTER.match(after):
        return None
    end = m.end()
    period = None
    pm = _PERIOD_AFTER.match(after)
    if pm:
        period = next(p for p, _ in _PERIOD_WORDS if pm[p])
        end += pm.end()
    elif (bm := _PERIOD_BEFORE.search(before)):
        period = next(p for p, _ in _PERIOD_WORDS if bm.groupdict().get(p))
    lakh = bool(mult_words & {"lpa", "lakh", "lakhs", "lac", "lacs", "l", "crore", "crores", "cr"})
    if "lpa" in mult_words:
        period = "year"
    currency = explicit or ("INR" if lakh else default)
    has_k = bool(mult_words - {""})
    if not has_symbol and not lakh and period is None:
        if not has_k or not (_BARE_K_STRONG.match(after) or (_BARE_K_WEAK.match(after) and (
                _SALARY_WORDS.search(before) or _FIELD_START.search(before)))):
            return None
    if has_symbol and hi is None and period is None and not lakh and not (
            _BARE_K_STRONG.match(after) or _PAY_BEFORE.search(before)
            or _SALARY_WORDS.search(_line_before(text, m.start(), _PAY_LINE_BEFORE))
            or (_FIELD_START.search(before) and _BARE_K_WEAK.match(after))):
        # one amount with a sign and no period reads as pay only beside a word of pay or
        # standing alone as a field ("| $150k |"): "for $2,500 below competing dealers", "over
        # $1,000,000,000 in crypto assets", "our seed round of $625k" are not pay
        return None
    if "l" in mult_words and not has_symbol and default != "INR":
        return None  # a bare "25L" is a lakh only in an Indian posting
    low, high = min(low, high), max(low, high)
    if period is None:
        if high < 1000:
            return None
        period = _infer_period(high, currency)
    bounds = _PERIOD_BOUNDS[period]
    if not (bounds[0] <= low and high <= bounds[1]):
        return None
    score = (2 * (hi is not None) + 2 * has_symbol + 2 * (pm is not None)
             + bool(_SALARY_WORDS.search(before)))
    return score, end, (low, high, currency, period)


@cache
def _pay_roles() -> tuple[re.Pattern, re.Pattern]:
    """(engineering role words, other role words) from etl/data/pay_roles.toml."""
    words = tomllib.loads((DATA / "pay_roles.toml").read_text(encoding="utf-8"))

    def pattern(kind: str) -> re.Pattern:
        return re.compile(r"(?<![\w-])(?:" + "|".join(words[kind]) + r")(?![\w-])", re.I)
    return pattern("engineering"), pattern("not_engineering")


def _role_before(text: str, start: int, floor: int) -> str | None:
    """"engineering" or "other" for the role word nearest before a figure (on its own line when
    that names a role, else back to the previous figure, at most 150 characters), None when
    there is none."""
    window = text[max(floor, start - 150):start]
    engineering, other = _pay_roles()
    line = window.rsplit("\n", 1)[-1]
    if engineering.search(line) or other.search(line):
        window = line  # "• Data Analyst ($80–140K)": the role on the figure's own line
    last = {kind: max((m.end() for m in pattern.finditer(window)), default=-1)
            for kind, pattern in (("engineering", engineering), ("other", other))}
    if max(last.values()) < 0:
        return None
    return max(last, key=lambda kind: last[kind])


def _figures_in(text: str, default_currency: str | None) -> list[tuple[int, int, SalaryFigure]]:
    """(score, start, figure) for every salary figure in text, in order."""
    # One-to-one replacements keep offsets, so the figure's text can be cut from the input.
    norm = _NOT_SALARY_CODES.sub(lambda m: "#" * len(m[0]), text.translate(_DASHES))
    found = []
    for m in _SALARY_RE.finditer(norm):
        candidate = _candidate(norm, m, default_currency)
        if candidate:
            score, end, (low, high, currency, period) = candidate
            figure = SalaryFigure(low, high, currency, period, text=text[m.start():end].strip())
            found.append((score, m.start(), figure))
    return found


def pooled_engineering_pay(text: str, found: list[tuple[int, int, SalaryFigure]],
                           best: SalaryFigure) -> SalaryFigure | None:
    """For a posting listing several roles with pay: the lowest minimum to the highest maximum
    of its engineering roles' figures (in the best figure's currency and period), leaving out
    other roles (sales, account executives, ...); None when the text is not such a posting."""
    roles = []
    floor = 0
    for _, start, figure in found:
        roles.append((_role_before(text, start, floor), figure))
        floor = start + len(figure.text)
    same = [(role, f) for role, f in roles
            if (f.currency, f.period) == (best.currency, best.period)]
    engineering = [f for role, f in same if role == "engineering"]
    others = [f for role, f in same if role == "other"]
    if not engineering or (not others and len(engineering) < 2):
        return None
    return SalaryFigure(min(f.min for f in engineering), max(f.max for f in engineering),
                        best.currency, best.period,
                        text=" … ".join(f.text for f in engineering), roles=len(engineering),
                        left_out=len(others))


def parse_salary_text(text: str, default_currency: str | None = None,
                      multi_role: bool = True) -> SalaryFigure | None:
    """The salary stated in a posting's header or description, or None when there is none.

    Several roles with pay in one text count as the range of the engineering roles (lowest
    minimum to highest maximum), other roles left out; ``multi_role=False`` gives the single
    best-scoring figure instead (kept to measure what the rule changes)."""
    if not text or not any(ch.isdigit() for ch in text):
        return None
    found = _figures_in(text, default_currency)
    if not found:
        return None
    best = max(found, key=lambda f: (f[0], -f[1]))[2]  # ties: the earliest figure
    if multi_role and len(found) > 1:
        return pooled_engineering_pay(text.translate(_DASHES), found, best) or best
    return best


# --- which lines of a description can hold pay ---------------------------------------------------

# A line talks about pay when this matches in it (then its figures are parsed).
# The alternatives of PAY_LINE, each with the literals (case folded) one of which every match of
# it starts with. The pre-filter: scanning for the literals is one pass of a C automaton over
# the text, and PAY_LINE runs only where one starts, and only the alternatives of the literals
# found there (tests/test_salary_prefilter.py checks both ways).
PAY_LINE_PARTS: Final = (
    (("salary",), "salary"), (("compensation",), "compensation"), (("pay",), r"\bpay\b"),
    (("comp",), r"\bcomp\b"), (("base",), r"\bbase\b"), (("ote",), r"\bOTE\b"),
    (("per annum",), "per annum"), (("pa", "p.a"), r"\bp\.?a\.?\b"), (("lpa",), r"\bLPA\b"),
    (("lakh",), "lakh"), (("/",), r"/\s*(?:hr|hour|day|month|year)"), (("gehalt",), "gehalt"),
    (("vergütung",), "vergütung"), (("brutto",), "brutto"), (("salaire",), "salaire"),
    (("rémunération",), "rémunération"), (("wynagrodzenie",), "wynagrodzenie"),
    (("lön",), "lön"), (("salário",), "salário"), (("salario",), "salario"),
    (("day rate",), "day rate"), (("rate:",), "rate:"), (("doe",), r"\bDOE\b"),
    (("$", "€", "£", "₹", "¥", "₪"), "[$€£₹¥₪]"),
    (("usd", "eur", "gbp", "chf", "sek", "nok", "dkk", "pln", "inr", "cad", "aud", "nzd", "sgd",
      "brl", "jpy", "mxn"),
     r"\b(?:USD|EUR|GBP|CHF|SEK|NOK|DKK|PLN|INR|CAD|AUD|NZD|SGD|BRL|JPY|MXN)\b"),
)
PAY_LINE: Final = re.compile("|".join(part for _, part in PAY_LINE_PARTS), re.IGNORECASE)
PAY_LINE_LITERALS: Final = tuple(literal for literals, _ in PAY_LINE_PARTS for literal in literals)
# the alternative each literal (by its number in PAY_LINE_LITERALS) starts, alone: trying it
# where its literal starts is a fifth of the work of trying all of PAY_LINE's there
_PART_OF_LITERAL: Final = tuple(re.compile(part, re.IGNORECASE)
                                for literals, part in PAY_LINE_PARTS for _ in literals)
MAX_PAY_LINES: Final = 5
_LINE_BREAKS: Final = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_OTHER_BREAKS: Final = _LINE_BREAKS[1:]


@cache
def _pay_literals() -> tuple[ahocorasick_rs.BytesAhoCorasick, ahocorasick_rs.AhoCorasick]:
    """DFAs of PAY_LINE_LITERALS: over the bytes of an ASCII text, over the characters of any
    other."""
    dfa = ahocorasick_rs.Implementation.DFA
    return (ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w in PAY_LINE_LITERALS],
                                            implementation=dfa),
            ahocorasick_rs.AhoCorasick(list(PAY_LINE_LITERALS), implementation=dfa))


def _literal_starts(text: str) -> list[tuple[int, int]]:
    """(offset, literal) for every occurrence of a pay literal in text (overlapping ones too;
    the literal by its number in PAY_LINE_LITERALS), in order of offset."""
    in_bytes, in_chars = _pay_literals()
    if text.isascii():  # byte offsets are character offsets
        hits = in_bytes.find_matches_as_indexes(text.encode("ascii"), overlapping=True)
    else:
        hits = in_chars.find_matches_as_indexes(text, overlapping=True)
    return sorted([(start, literal) for literal, start, _ in hits])


def folded(text: str) -> str:
    """The text case-folded as PAY_LINE's IGNORECASE compares it: casefold, and the dotless i
    (which IGNORECASE matches to i while casefold keeps it) as i. ASCII text folds to its lower
    case, which str.lower makes a byte at a time (casefold has no such path: it looked every
    character up, about 80 instructions each)."""
    if text.isascii():
        return text.lower()
    return text.casefold().replace("\u0131", "i")


def pay_lines_by_search(description: str) -> list[str]:
    """pay_lines without the pre-filter: PAY_LINE searched in every line (the reference)."""
    return [line for line in description.splitlines() if PAY_LINE.search(line)][:MAX_PAY_LINES]


def pay_lines(description: str, folded_text: str | None = None) -> list[str]:
    """Lines of a description that talk about pay (at most MAX_PAY_LINES, in order).

    The same lines as pay_lines_by_search, found faster: the case-folded text is scanned once for
    the literals a pay line must hold, and PAY_LINE is tried only where one starts. When case
    folding changes the text's length (positions no longer line up) every line is searched.
    ``folded_text``: folded(description) when the caller has it.
    """
    text = folded(description) if folded_text is None else folded_text
    starts = _literal_starts(text)
    if not starts:
        return []
    if len(text) != len(description):
        return pay_lines_by_search(description)
    if any(map(description.__contains__, _OTHER_BREAKS)):
        return _pay_lines_of_split(description, starts)
    # lines end at "\n" only: each hit's line is found around it, and PAY_LINE is tried in the
    # text between the line's ends (its \b sees a line break before the line as a line start);
    # of PAY_LINE, only the alternative the literal found there starts, the one that can match
    found: dict[int, str] = {}
    for start, literal in starts:
        first = description.rfind("\n", 0, start) + 1
        if first in found:
            continue
        stop = description.find("\n", start)
        stop = len(description) if stop < 0 else stop
        if _PART_OF_LITERAL[literal].match(description, start, stop):
            found[first] = description[first:stop]
    return [found[first] for first in sorted(found)][:MAX_PAY_LINES]


def _pay_lines_of_split(description: str, hits: list[tuple[int, int]]) -> list[str]:
    """pay_lines of a text with line breaks other than "\n", from where the literals start in
    its case-folded text (_literal_starts): the text split into lines, PAY_LINE tried in the
    line of each."""
    lines = description.splitlines(keepends=True)
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line)
    found: set[int] = set()
    for start, literal in hits:
        i = bisect.bisect_right(starts, start) - 1
        if i not in found and _PART_OF_LITERAL[literal].match(lines[i].rstrip(_LINE_BREAKS),
                                                              start - starts[i]):
            found.add(i)
    return [lines[i].rstrip(_LINE_BREAKS) for i in sorted(found)][:MAX_PAY_LINES]
