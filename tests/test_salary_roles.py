"""Pay in postings that list several roles, and the parser's known misreads (issue 10 item 3)."""

from __future__ import annotations

import pytest

from etl.transforms.normalize import salary_from_text
from etl.transforms.salary import parse_salary_text


def values(figure) -> tuple | None:
    return None if figure is None else (figure.min, figure.max, figure.currency, figure.period)


# --- the misreads ---------------------------------------------------------------------------------

def test_the_1099_tax_form_is_not_a_bound():
    figure = parse_salary_text("contract on 1099 — $4,000–$6,000/month")
    assert values(figure) == (4_000, 6_000, "USD", "month")


@pytest.mark.parametrize("text", ["Contract (1099), $60-$80/hr", "1099 contractor: $60–80/hour",
                                  "W-2 or 1099 - $70/hr"])
def test_1099_beside_an_hourly_rate(text):
    assert values(parse_salary_text(text))[2:] == ("USD", "hour")
    assert parse_salary_text(text).min >= 60


def test_1099_as_a_pay_figure_with_a_symbol_still_reads():
    assert values(parse_salary_text("$1099/month stipend-free pay")) == (1099, 1099, "USD", "month")


@pytest.mark.parametrize(("text", "currency"), [
    ("$105,000 - $125,000 CAD", "CAD"),
    ("Salary: $105k-$125k CAD + benefits", "CAD"),
    ("$90,000 – $110,000 AUD per annum", "AUD"),
    ("$120k-$150k USD", "USD"),
    ("$120k-$150k", "USD"),
])
def test_a_currency_code_beats_the_dollar_sign(text, currency):
    assert parse_salary_text(text).currency == currency


# --- several roles with pay ---------------------------------------------------------------------

def test_engineering_roles_pool_and_sales_is_left_out():
    text = ("Senior Backend Engineer $150k-$180k; Account Executive $90k-$120k OTE; "
            "Junior Frontend Developer $100k-$120k")
    figure = parse_salary_text(text)
    assert values(figure) == (100_000, 180_000, "USD", "year")
    assert (figure.roles, figure.left_out) == (2, 1)
    # without the rule, one figure wins on its own score (here the last, after "OTE")
    assert values(parse_salary_text(text, multi_role=False)) == (100_000, 120_000, "USD", "year")


def test_a_table_of_roles_over_lines():
    text = ("We're looking for:\n"
            "  Senior front-end engineer   $100k—$175k  0.25—1.0%\n"
            "  Junior front-end engineer    $75k—$100k  0.1—0.25%\n"
            "  PR/Marketing/Social Media    $60k—$90k   0.1—0.5%\n")
    assert values(salary_from_text(None, text, None)) == (75_000, 175_000, "USD", "year")
    assert values(salary_from_text(None, text, None, multi_role=False)) == (
        100_000, 175_000, "USD", "year")


def test_a_header_range_over_all_roles_stays():
    text = ("DuckDuckGo | Multiple Roles | Remote | Full-time | $178,500 - $320,000 USD + equity\n"
            "Senior Backend Engineer - $178,500 USD + equity\n"
            "Senior Android Engineer - $178,500 USD + equity\n")
    header = "$178,500 - $320,000 USD + equity"
    assert values(salary_from_text(header, text, None)) == (178_500, 320_000, "USD", "year")


def test_the_role_on_the_figure_s_own_line_decides():
    text = ("Acme | Remote | $150–250K + equity\n"
            "• Senior Software Engineer, Growth ($150–200K) — be the engineer who ships growth\n"
            "• Data Analyst ($80–140K) — not a dev role but thought I'd include it\n")
    assert values(salary_from_text("$150–250K + equity", text, None)) == (
        150_000, 250_000, "USD", "year")
    figure = parse_salary_text(text)
    assert (figure.min, figure.left_out) == (150_000, 1)


def test_an_engineering_role_beside_a_sales_role_keeps_only_the_engineering_pay():
    text = "Account Executive: $90k-$120k OTE\nSenior Engineer: $150k-$200k"
    assert values(parse_salary_text(text)) == (150_000, 200_000, "USD", "year")


def test_roles_in_another_currency_or_period_are_not_pooled():
    text = "Backend Engineer (US) $150k-$180k; Backend Engineer (EU) €90k-€110k"
    assert values(parse_salary_text(text))[2] in ("USD", "EUR")
    assert parse_salary_text(text).roles == 1


@pytest.mark.parametrize("text", [
    "Salary: $150k-$180k + equity, $10k signing bonus",
    "Senior Engineer | Remote | $150k-$180k",
    "Base $150k-$180k, OTE n/a. We raised $20M in 2024.",
])
def test_one_role_keeps_its_one_range(text):
    figure = parse_salary_text(text)
    assert values(figure) == (150_000, 180_000, "USD", "year")
    assert (figure.roles, figure.left_out) == (1, 0)


def test_a_sales_only_posting_keeps_its_pay():
    figure = parse_salary_text("Enterprise Account Executive | $220K - $260K OTE")
    assert values(figure) == (220_000, 260_000, "USD", "year")


def test_the_rule_measured_on_real_hn_postings(shared_data):
    from etl.evaluate_salary import hn_texts, rule_effect

    texts = [t for t in hn_texts(shared_data) if t[0] == "hn_threads"]
    effects = rule_effect(iter(texts))["hn_threads"]
    assert effects.with_pay > 50
    assert 0 < effects.changed < effects.with_pay * 0.2
    assert max(effects.pooled, effects.left_out) <= effects.changed  # every change is one of
    assert effects.changed <= effects.pooled + effects.left_out       # the two kinds
