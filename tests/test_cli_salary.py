"""`python -m etl salary`, the command that reads pay from anyone's text with the build's parser."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from etl.transforms.salary import annual_usd
from tests.conftest import PROJECT_ROOT


def run_salary(lines: list[str], *args: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "etl", "salary", *args],
                         input="\n".join(lines) + "\n", capture_output=True, text=True,
                         cwd=PROJECT_ROOT, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_one_line_out_per_line_in():
    inputs = [{"id": 1, "text": "contract on 1099 — $4,000–$6,000/month"},
              {"id": "b", "text": "Pay: $105,000 - $125,000 CAD", "year": 2023},
              {"id": 3, "text": "We raised $20M and have 10k users."},
              {"id": 4, "text": "Senior Backend Engineer $150k-$180k; Account Executive "
                                "$90k-$120k OTE; Junior Frontend Developer $100k-$120k"},
              {"id": 5, "text": "€85k–€110k", "year": 2023}]
    out = run_salary([json.dumps(i) for i in inputs], "--year", "2024")
    assert [o["id"] for o in out] == [1, "b", 3, 4, 5]
    assert out[0]["salary"] == {"min": 4000.0, "max": 6000.0, "currency": "USD",
                                "period": "month", "annual_usd": 60000.0}
    assert out[1]["salary"]["currency"] == "CAD"
    assert out[1]["salary"]["annual_usd"] == annual_usd(105_000, 125_000, "CAD", "year", 2023)
    assert out[2]["salary"] is None
    assert (out[3]["salary"]["min"], out[3]["salary"]["max"]) == (100_000, 180_000)
    # the line's own year picks the Fed's 2023 euro rate (0.9245 per USD)
    assert out[4]["salary"]["annual_usd"] == round(97_500 / 0.9245, 2)


def test_currency_field_says_what_the_dollar_means():
    out = run_salary([json.dumps({"id": 1, "text": "$120k-$150k", "currency": "CAD"})])
    assert out[0]["salary"]["currency"] == "CAD"


def test_bad_lines_are_reported_and_the_rest_read():
    out = run_salary(['{"id": 1, "text": "$60/hr"}', "{not json", '{"id": 3, "text": 5}',
                      '{"id": 4, "text": "$60/hr", "currency": "dollars"}', "",
                      '{"id": 6, "text": "£50,000 - £60,000 per annum"}'])
    assert len(out) == 5
    assert out[0]["salary"]["period"] == "hour"
    assert out[1] == {"id": None, "error": "line 2: invalid JSON: Expecting property name "
                                          "enclosed in double quotes"}
    assert out[2]["error"] == "line 3: 'text' must be a string"
    assert out[3]["error"].startswith("line 4: 'currency'")
    assert out[4]["salary"]["currency"] == "GBP"


def test_help_and_readme_name_the_command():
    help_text = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True,
                               text=True, cwd=PROJECT_ROOT, check=True).stdout
    assert re.search(r"^\s+salary\s+\S", help_text, re.MULTILINE)
    sub_help = subprocess.run([sys.executable, "-m", "etl", "salary", "--help"],
                              capture_output=True, text=True, cwd=PROJECT_ROOT, check=True).stdout
    assert '"annual_usd"' in sub_help and "--year" in sub_help
    assert "python -m etl salary" in (PROJECT_ROOT / "README.md").read_text()
