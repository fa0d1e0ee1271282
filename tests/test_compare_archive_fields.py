"""The field-by-field comparison of our HN header parsing with the HN archive's own fields."""

from __future__ import annotations

import gzip
import json

import pytest

from etl import compare_archive_fields as cmp


def _posting(text: str, **fields) -> dict:
    base = {"id": 1, "ts": 1_700_000_000, "text": text, "company": None, "roles": [],
            "location": None, "remote_type": None, "salary_min": None, "salary_max": None,
            "salary_currency": None, "job_type": None}
    return {**base, **fields}


def test_company_names_compare_without_legal_suffixes_and_tags():
    assert cmp.company_key("Acme, Inc. (YC W20)") == "acme"
    assert cmp.company_key("The Acme Co") == "acme"
    assert cmp.agrees("company", cmp.company_key("Acme Labs"), cmp.company_key("Acme"))


def test_titles_agree_by_containment_and_bounds_within_one_percent():
    assert cmp.agrees("title", "Senior Backend Engineer (Go)", ["Senior Backend Engineer"])
    assert not cmp.agrees("title", "Designer", ["Senior Backend Engineer"])
    assert cmp.agrees("bounds", (120_000.0, 150_000.0), (120_000, 150_000))
    assert cmp.agrees("bounds", (120_000.0, None), (120_000, 120_000))
    assert not cmp.agrees("bounds", (120_000.0, 150_000.0), (120_000, 170_000))


def test_field_pairs_of_one_posting():
    text = ("Quarry Labs | Backend Engineer | Berlin, Germany | Onsite | Full-time | "
            "65-80k EUR\n\nWe build things.")
    theirs = _posting(text, company="Quarry Labs GmbH", roles=["Backend Engineer"],
                      location="Berlin", remote_type="hybrid", salary_min=65000,
                      salary_max=80000, salary_currency="EUR", job_type="full-time")
    pairs = cmp.field_pairs(cmp.our_fields(text, theirs["ts"]), theirs)
    assert pairs["company"] == ("quarrylabs", "quarrylabs")
    assert pairs["remote"] == ("onsite", "hybrid")
    assert pairs["country"] == ("DE", "DE")
    assert pairs["employment"] == ("full_time", "full_time")
    assert pairs["currency"] == ("EUR", "EUR")
    assert pairs["bounds"] == ((65000.0, 80000.0), (65000, 80000))


def test_compare_counts_agreement_only_where_both_sides_say_something(tmp_path):
    folder = tmp_path / "hn_archive"
    folder.mkdir()
    rows = [
        _posting("Acme | Engineer | Remote | $150k", remote_type="remote", salary_min=150000,
                 salary_currency="USD", company="Acme"),
        _posting("Bolt | Engineer | Onsite", remote_type="hybrid", company="Bolt"),
        _posting("Cask | Engineer", company="Cask"),
    ]
    with gzip.open(folder / "2014-05.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in rows))
    tallies = cmp.compare(cmp.archive_postings(cmp.archive_files(tmp_path)))
    remote = tallies["all"]["remote"]
    assert (remote.both, remote.agree) == (2, 1)
    assert tallies["2012-2015"]["remote"].both == 2
    assert tallies["all"]["pay_present"].agreement == 1.0
    assert tallies["all"]["company"].agreement == 1.0
    assert "| remote | 0.500 |" in cmp.table(tallies)


def test_the_script_skips_cleanly_without_the_archive(tmp_path, capsys):
    assert cmp.main(["--shared", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().out


# measured 2026-12-01 (all months): agreement, postings where both sides give a value
# company 0.980 / 74,428; title 0.713; remote 0.896 / 58,657; country 0.997 / 60,346;
# employment 0.981; pay present 0.978; currency 0.930 / 5,544; bounds 0.954 / 5,728
# employment: since the build also reads the type from the body when the header is silent
# (issue 10's requirements extractor), 34,813 postings compared at 0.965 (was 31,936 at 0.981),
# mostly "interns" in a posting whose other roles are full-time read as internship; after the
# multi-role rule and the header fixes (docs/requirements.md, docs/hn_headers.md) 34,218
# postings compare at 0.981 (measured 2026-12-02).
FLOORS = {"company": (0.975, 73_000), "title": (0.70, 85_000), "remote": (0.89, 58_000),
          "country": (0.995, 59_500), "employment": (0.978, 33_500),
          "pay_present": (0.975, 86_004), "currency": (0.92, 5_400), "bounds": (0.945, 5_600)}


@pytest.mark.shared_data
def test_agreement_with_the_archive_stays_at_or_above_the_measured_figures(shared_data):
    """Floors sit just below the figures measured after the header fixes (docs/hn_headers.md)."""
    tallies = cmp.compare(cmp.archive_postings(cmp.archive_files(shared_data)))
    for name, (agreement, both) in FLOORS.items():
        tally = tallies["all"][name]
        assert tally.agreement >= agreement, (name, tally.agreement)
        assert tally.both >= both, (name, tally.both)
