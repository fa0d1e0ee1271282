"""Salary from text, annualising, USD conversion and the FX table."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.transforms.salary import (
    FX_CURRENCIES,
    FX_MONTHLY,
    FX_NOT_IN_FED,
    FX_YEARLY,
    SalaryFigure,
    annual_usd,
    is_outlier,
    parse_salary_text,
)
from etl.warehouse.schema import SALARY_PERIOD


def table_rate(currency: str, year: int) -> float:
    """The rate read straight from the shipped CSVs, independently of the module's cache."""
    with FX_CURRENCIES.open(newline="") as fh:
        country = {r["currency"]: r["country"] for r in csv.DictReader(fh)}.get(currency)
    if country is None:
        with FX_NOT_IN_FED.open(newline="") as fh:
            for row in csv.DictReader(fh):
                if row["currency"] == currency and int(row["year"]) == year:
                    return float(row["units_per_usd"])
        raise KeyError((currency, year))
    with FX_YEARLY.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Country"] == country and row["Date"].startswith(f"{year}-"):
                return float(row["Value"])
    with FX_MONTHLY.open(newline="") as fh:
        months = [float(r["Exchange rate"]) for r in csv.DictReader(fh)
                  if r["Country"] == country and r["Date"].startswith(f"{year}-")]
    if not months:
        raise KeyError((currency, year))
    return len(months) / sum(1 / m for m in months)


# --- real forms ----------------------------------------------------------------------------------

REAL_FORMS = [
    ("$170-225K", 170_000, 225_000, "USD", "year"),
    ("$170k - $225k", 170_000, 225_000, "USD", "year"),
    ("€85k–€110k", 85_000, 110_000, "EUR", "year"),
    ("£50,000 - £60,000 per annum", 50_000, 60_000, "GBP", "year"),
    ("$60/hr", 60, 60, "USD", "hour"),
    ("$60-80/hour", 60, 80, "USD", "hour"),
    ("$50-$60 an hour", 50, 60, "USD", "hour"),
    ("8.000 € brutto/Monat", 8_000, 8_000, "EUR", "month"),
    ("€4.500 - €5.500 brutto pro Monat", 4_500, 5_500, "EUR", "month"),
    ("55 000 € par an", 55_000, 55_000, "EUR", "year"),
    ("₹25 LPA", 2_500_000, 2_500_000, "INR", "year"),
    ("12-18 LPA", 1_200_000, 1_800_000, "INR", "year"),
    ("25 lakhs per annum", 2_500_000, 2_500_000, "INR", "year"),
    ("₹12,00,000 per annum", 1_200_000, 1_200_000, "INR", "year"),
    ("CHF 120'000", 120_000, 120_000, "CHF", "year"),
    ("CHF 120’000 - 140’000", 120_000, 140_000, "CHF", "year"),
    ("SEK 45 000/mån", 45_000, 45_000, "SEK", "month"),
    ("PLN 15 000 – 22 000 netto/mies.", 15_000, 22_000, "PLN", "month"),
    ("15 000 - 22 000 zł netto (B2B)", 15_000, 22_000, "PLN", "month"),
    ("USD 150,000-180,000", 150_000, 180_000, "USD", "year"),
    ("$150,000 - $180,000 USD", 150_000, 180_000, "USD", "year"),
    ("US$140K", 140_000, 140_000, "USD", "year"),
    ("CA$120k", 120_000, 120_000, "CAD", "year"),
    ("A$150k", 150_000, 150_000, "AUD", "year"),
    ("NZ$110k-130k", 110_000, 130_000, "NZD", "year"),
    ("£450/day", 450, 450, "GBP", "day"),
    ("£500-550 per day outside IR35", 500, 550, "GBP", "day"),
    ("Day rate: £600", 600, 600, "GBP", "day"),
    ("$120K–$150K base + equity", 120_000, 150_000, "USD", "year"),
    ("$150k-$200k + 0.1% equity", 150_000, 200_000, "USD", "year"),
    ("up to €70.000 brutto/Jahr", 70_000, 70_000, "EUR", "year"),
    ("50-60k€ brutto", 50_000, 60_000, "EUR", "year"),
    ("EUR 4,500", 4_500, 4_500, "EUR", "month"),  # too low for a year: monthly pay
    ("€4.500", 4_500, 4_500, "EUR", "month"),
    ("R$ 12.000/mês", 12_000, 12_000, "BRL", "month"),
    ("¥6,000,000", 6_000_000, 6_000_000, "JPY", "year"),
    ("$2,500/week", 2_500, 2_500, "USD", "week"),
    ("$95k-$110k/yr", 95_000, 110_000, "USD", "year"),
    ("€3,5k netto miesięcznie", 3_500, 3_500, "EUR", "month"),
    ("$200K - $150K", 150_000, 200_000, "USD", "year"),  # written backwards: min <= max
    ("₪30,000 per month", 30_000, 30_000, "ILS", "month"),
    ("ZAR 600 000 per annum", 600_000, 600_000, "ZAR", "year"),
    ("Salary: 150-200k.", 150_000, 200_000, None, "year"),
    ("Salary: Rs. 9 - 10 Lakhs per annum", 900_000, 1_000_000, "INR", "year"),
    ("Gehaltsspanne: 70 €/Stunde", 70, 70, "EUR", "hour"),
    ("Compensation: £425 p/d inside IR35", 425, 425, "GBP", "day"),
    ("£60 p/h", 60, 60, "GBP", "hour"),
]


@pytest.mark.parametrize(("text", "lo", "hi", "currency", "period"), REAL_FORMS)
def test_real_forms(text, lo, hi, currency, period):
    figure = parse_salary_text(text)
    assert figure is not None, text
    assert (figure.min, figure.max, figure.currency, figure.period) == (lo, hi, currency, period)


def test_hn_header_line_gives_the_salary_field_and_its_text():
    header = "Company | Senior Engineer | NYC | $150k-$200k | ONSITE"
    assert parse_salary_text(header) == SalaryFigure(150_000, 200_000, "USD", "year",
                                                     "$150k-$200k")


def test_bare_k_in_a_header_field_uses_the_default_currency():
    header = "Acme | Backend Engineer | Berlin | 120k + equity | ONSITE"
    assert parse_salary_text("120k + equity") == SalaryFigure(120_000, 120_000, None, "year",
                                                             "120k")
    figure = parse_salary_text(header, default_currency="EUR")
    assert (figure.min, figure.max, figure.currency, figure.period) == (120_000, 120_000, "EUR",
                                                                      "year")


@pytest.mark.parametrize(("text", "default", "currency"), [
    ("$120k", "CAD", "CAD"),  # "$" in a Canadian posting is Canadian dollars
    ("$120k", "EUR", "USD"),  # ...but not in a euro one
    ("45 000 kr/mån", "SEK", "SEK"),
    ("45 000 kr/mån", None, None),  # "kr" alone does not say which krona
    ("¥300,000/month", "CNY", "CNY"),
    ("25L", "INR", "INR"),
])
def test_default_currency(text, default, currency):
    assert parse_salary_text(text, default_currency=default).currency == currency


def test_description_with_traps_before_the_salary():
    text = ("We raised $50M in our Series C at a $2B valuation, serve 10k users and 100k "
            "requests/s, were founded 2015 and are a team of 50. You have 5+ years of Python. "
            "401k match. Call +1 (415) 555-1234. Pay: $120K–$150K base + equity.")
    figure = parse_salary_text(text)
    assert (figure.min, figure.max, figure.currency, figure.period) == (120_000, 150_000, "USD",
                                                                      "year")
    assert figure.text == "$120K–$150K"


def test_a_pay_word_beats_an_earlier_figure():
    figure = parse_salary_text("$5k learning budget. Salary €60k")
    assert (figure.min, figure.currency) == (60_000, "EUR")


@pytest.mark.parametrize("text", [
    "DOE", "Salary: competitive", "Competitive salary + equity", "", "Series C", "raised $50M",
    "We raised $50 million", "$2B valuation", "$1.2M seed round", "10k users", "401k",
    "401(k) with match", "founded 2015", "team of 50", "5+ years", "+1 (415) 555-1234",
    "Call 555-1234 or +44 20 7946 0958", "100k requests/s", "100k+ req/s", "5k+ customers",
    "we have 10k.", "$500k ARR", "$10k signing bonus", "$5k learning budget", "PHP 8.2 developer",
    "PHP 7/8, Laravel 10", "9am-5pm", "Python 3.12, Django 5.0", "2024-2025", "25L",
    "ISO 27001", "H1B", "$15 lunch stipend", "v1.2.3", "10-15 engineers",
    "$30k-$301k",  # a range wider than tenfold is not a posted salary range
])
def test_not_a_salary(text):
    assert parse_salary_text(text) is None



# One amount with a sign and no period, in a sentence, reads as pay only beside a word of pay
# (the misreads behind the first run on tests/eval/pay_dev_labels.jsonl, docs/salary.md)
@pytest.mark.parametrize("text", [
    "You can track a pizza better than when you buy a $350.000 apartment.",
    "With more than 100 employees and daily revenues over 250k$ we are still growing.",
    "Used by 100,000 holders with over $1,000,000,000 in crypto assets.",
    "We just closed our seed round of $625k from angels.",
    "Buy the latest models for $2,500 below competing dealers.",
    "Benefits: 401(k) with matching and education reimbursement up to $3,000/year.",
    "We have hundreds of paid users and $11,000+ MRR.",
    "A growing global customer base, 70K weekly downloads and growing",
    "Customers spend $200K+.",
])
def test_an_amount_in_a_sentence_without_a_word_of_pay_is_not_pay(text):
    assert parse_salary_text(text) is None


@pytest.mark.parametrize(("text", "lo", "hi", "currency", "period"), [
    ("Salaries start at $120k and go up from there.", 120_000, 120_000, "USD", "year"),
    ("Paying up to £55k depending upon experience.", 55_000, 55_000, "GBP", "year"),
    ("Up to €78k + equipment of your choice + equity", 78_000, 78_000, "EUR", "year"),
    ("We'd start from €40,000 for a junior engineer.", 40_000, 40_000, "EUR", "year"),
    ("The salary for the position is in the range of $200,000, but dependent on experience.",
     200_000, 200_000, "USD", "year"),
    ("We're looking for a Lead Back-End Engineer (~$130K) and more.", 130_000, 130_000, "USD",
     "year"),
    ("[$100k / equity]", 100_000, 100_000, "USD", "year"),
    ("Hiring in SF. $200k and significant early equity", 200_000, 200_000, "USD", "year"),
    ("STAFF SWE - CANADA - REMOTE - $135,000 USD.", 135_000, 135_000, "USD", "year"),
    ("150-230k+ + equity + benefits", 150_000, 230_000, None, "year"),
    ("100-135k (DOE)", 100_000, 135_000, None, "year"),
    ("125-200k w/ equity", 125_000, 200_000, None, "year"),
    ("~$157,000 to ~$236,000 + options", 157_000, 236_000, "USD", "year"),
    ("$1200+ per day", 1_200, 1_200, "USD", "day"),
    ("Pay will be $100+ / hour", 100, 100, "USD", "hour"),
    ("15% equity + $10k per-month salary.", 10_000, 10_000, "USD", "month"),
    ("$160k-$200k+ monthly profit share", 160_000, 200_000, "USD", "year"),
])
def test_pay_beside_its_words(text, lo, hi, currency, period):
    figure = parse_salary_text(text)
    assert figure is not None, text
    assert (figure.min, figure.max, figure.currency, figure.period) == (lo, hi, currency, period)

# --- annualising and converting ------------------------------------------------------------------

def test_annual_usd_hourly_daily_monthly_yearly():
    assert annual_usd(60, 80, "USD", "hour", 2024) == 70 * 2080
    assert annual_usd(450, 450, "GBP", "day", 2023) == round(450 * 260 / table_rate("GBP", 2023), 2)
    assert annual_usd(4_500, 5_500, "EUR", "month", 2024) == round(
        5_000 * 12 / table_rate("EUR", 2024), 2)
    assert annual_usd(2_500, None, "USD", "week", 2020) == 130_000
    assert annual_usd(1_200_000, 1_800_000, "INR", "year", 2022) == round(
        1_500_000 / table_rate("INR", 2022), 2)


def test_annual_usd_from_parsed_text():
    figure = parse_salary_text("PLN 15 000 – 22 000 netto/mies.")
    assert annual_usd(figure.min, figure.max, figure.currency, figure.period, 2021) == round(
        18_500 * 12 / table_rate("PLN", 2021), 2)


def test_annual_usd_without_currency_or_period_is_none():
    assert annual_usd(120_000, 120_000, None, "year", 2024) is None
    assert annual_usd(120_000, 120_000, "USD", None, 2024) is None
    assert annual_usd(None, None, "USD", "year", 2024) is None
    assert annual_usd(120_000, None, "XXX", "year", 2024) is None


@pytest.mark.parametrize(("value", "flagged"), [
    (None, False), (2_999.99, True), (3_000, False), (150_000, False), (1_500_000, False),
    (1_500_000.01, True), (40_000_000, True),
])
def test_outliers(value, flagged):
    assert is_outlier(value) is flagged


def test_hourly_figure_misread_as_yearly_is_an_outlier():
    assert is_outlier(annual_usd(60, 80, "USD", "year", 2024))
    assert not is_outlier(annual_usd(60, 80, "USD", "hour", 2024))


# --- properties ----------------------------------------------------------------------------------

CURRENCY_MARKS = [("$", "USD"), ("US$", "USD"), ("€", "EUR"), ("£", "GBP"), ("CHF ", "CHF"),
                  ("₹", "INR"), ("A$", "AUD"), ("CA$", "CAD"), ("USD ", "USD"), ("EUR ", "EUR"),
                  ("SEK ", "SEK"), ("PLN ", "PLN"), ("JPY ", "JPY"), ("ZAR ", "ZAR")]
PERIOD_PHRASES = {
    "year": ["per year", "per annum", "/yr", "a year", "p.a.", "/year", "annually"],
    "month": ["per month", "/month", "/mo", "a month", "monthly", "brutto/Monat"],
    "week": ["per week", "/wk", "a week", "weekly"],
    "day": ["per day", "/day", "a day", "daily"],
    "hour": ["/hr", "per hour", "an hour", "/hour", "hourly"],
}
PERIOD_RANGE = {"hour": (10, 500), "day": (100, 3_000), "week": (500, 10_000),
                "month": (1_000, 30_000), "year": (20_000, 500_000)}


def group(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@st.composite
def salary_texts(draw):
    """(text, lo, hi, currency, period) for a salary rendered in one of several forms."""
    symbol, currency = draw(st.sampled_from(CURRENCY_MARKS))
    period = draw(st.sampled_from(SALARY_PERIOD))
    first, last = PERIOD_RANGE[period]
    lo = draw(st.integers(first, last))
    hi = draw(st.integers(lo, min(3 * lo, last)))
    phrase = draw(st.sampled_from(PERIOD_PHRASES[period]))
    dash = draw(st.sampled_from(["-", " - ", "–", " – ", " to "]))
    forms = [
        f"{symbol}{group(lo, ',')}{dash}{symbol}{group(hi, ',')} {phrase}",
        f"{symbol}{group(lo, ',')}{dash}{group(hi, ',')} {phrase}",
        f"{group(lo, '.')}{dash}{group(hi, '.')} {currency} {phrase}",
        f"{symbol}{group(lo, ' ')}{dash}{group(hi, ' ')} {phrase}",
        f"{symbol}{group(lo, chr(39))}{dash}{group(hi, chr(39))} {phrase}",
        f"Company | Backend Engineer | Remote | {symbol}{group(hi, ',')} {phrase} | FULL-TIME",
    ]
    if lo % 1000 == 0 and hi % 1000 == 0:
        forms += [f"{symbol}{lo // 1000}k{dash}{symbol}{hi // 1000}k {phrase}",
                  f"{symbol}{lo // 1000}{dash}{hi // 1000}K {phrase}"]
    index = draw(st.integers(0, len(forms) - 1))
    if index == 5:
        lo = hi
    return forms[index], lo, hi, currency, period


@settings(max_examples=200, deadline=None)
@given(salary_texts())
def test_round_trip(case):
    text, lo, hi, currency, period = case
    figure = parse_salary_text(text)
    assert figure is not None, text
    assert (figure.min, figure.max, figure.currency, figure.period) == (lo, hi, currency, period)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["$", "€", "£", "CHF "]), st.integers(40, 400), st.integers(40, 400))
def test_undated_k_figures_are_yearly_and_ordered(symbol, a, b):
    figure = parse_salary_text(f"{symbol}{a}k-{symbol}{b}k")
    assert (figure.min, figure.max, figure.period) == (min(a, b) * 1000, max(a, b) * 1000, "year")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parser_never_raises_and_keeps_min_below_max(text):
    figure = parse_salary_text(text)
    if figure is not None:
        assert figure.min <= figure.max
        assert figure.period in SALARY_PERIOD


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["$", "€", "k", "K", "-", " ", "/hr", "5", "0", ",", ".",
                                 "000", "LPA", "per month", "|", "+ equity", "'", "zł"]),
                max_size=12).map("".join))
def test_parser_on_salary_like_noise(text):
    figure = parse_salary_text(text)
    if figure is not None:
        assert 0 < figure.min <= figure.max


@settings(max_examples=200, deadline=None)
@given(st.floats(1, 1e6), st.floats(1, 1e6), st.sampled_from(["USD", "EUR", "INR", "JPY", "PLN"]),
       st.sampled_from(SALARY_PERIOD), st.integers(2011, 2026))
def test_annual_usd_is_monotonic_in_the_amount(a, b, currency, period, year):
    low, high = sorted((a, b))
    assert annual_usd(low, low, currency, period, year) <= annual_usd(high, high, currency,
                                                                      period, year)
