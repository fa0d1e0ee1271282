"""Header fixes found by comparing our parsing with the HN archive's fields (docs/hn_headers.md).

Every example is a new sentence written in the form real "Who is hiring" headers take.
"""

from __future__ import annotations

import pytest

from etl.sources import hn
from etl.transforms import salary
from etl.transforms.normalize import names_a_place, place_from_location, remote_from_text

# --- remote / hybrid / onsite --------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    # remote only while the pandemic lasts: the job is onsite
    ("Quillwork | Denver, CO | Onsite (temporarily remote) | Full-time", "onsite"),
    ("Harbor Labs | Backend Engineer | Leeds, UK | ONSITE / currently WFH due to COVID-19",
     "onsite"),
    ("Tessel Bio | Oslo, Norway | Remote until the pandemic ends | https://tessel.example",
     "onsite"),
    # remote for part of the week: hybrid
    ("Pinecrest | Perth, Australia | Onsite (flexible WFH) | Senior Android Engineer", "hybrid"),
    ("Lumen Forge | Junior Developer | Dunedin, NZ | Hybrid (mostly WFH) | Contract", "hybrid"),
    ("Arbor Data | Lyon, France | ONSITE (2 days/week) | Full time", "hybrid"),
    ("Kettle | Madrid | in office 3 days a week | Full-time", "hybrid"),
    # remote as one option among others: remote (the project's rule)
    ("Marlin | Rust Engineer | Onsite & Remote (Lisbon) | Full-time", "remote"),
    ("Cobalt Works | Boston, MA | ONSITE, REMOTE-possible", "remote"),
    ("Ferrous | Hybrid in Austin or 100% Remote (US) | Full-time", "remote"),
    # words that are not about the workplace
    ("Brightline | San Diego | Onsite | Visa (from anywhere)", "onsite"),
    ("Sprocket | Backend Engineer | Leuven, Belgium | Onsite/hybrid", "hybrid"),
    ("Gridwise | We build hybrid apps for utilities | Calgary | Onsite", "onsite"),
])
def test_workplace_of_real_form_headers(header, expected):
    assert hn.workplace(header) == expected


def test_fully_without_remote_in_the_text_is_not_remote():
    assert remote_from_text("Berlin", "Engineer", "We are fully funded and fully stocked.") \
        == "unknown"
    assert remote_from_text("Berlin", "Engineer", "The team is fully remote.") == "remote"
    assert remote_from_text("Berlin", "Engineer", "This is a 100% remote position.") == "remote"


# --- location -----------------------------------------------------------------------------------

@pytest.mark.parametrize("location, country, city", [
    ("Leeds UK", "GB", "Leeds"),
    ("Austin TX", "US", "Austin"),
    ("Onsite in San Francisco", "US", "San Francisco"),
    ("ONSITE in NYC", "US", "New York"),
    ("Based in Boston area", "US", "Boston"),
    ("US-based", "US", None),
    ("Mumbai India", "IN", "Mumbai"),
    ("Ljubljana, Slovenia", "SI", "Ljubljana"),
    ("Moscow, Russia", "RU", "Moscow"),
    ("Ghent, Belgium", "BE", "Ghent"),
    ("Redwood City & Seattle", "US", "Redwood City"),
    ("Utah", "US", None),
    ("Maryland", "US", None),
    ("Georgia", None, None),       # a state and a country: not guessed
    ("CA", None, None),            # California or Canada: not guessed
    ("Europe", None, None),
    ("Java, Scala, JS", None, None),
])
def test_place_from_real_form_locations(location, country, city):
    place = place_from_location(location)
    assert (place.country, place.city) == (country, city)


def test_a_segment_made_of_place_names_is_a_location_but_a_name_with_one_is_not():
    assert names_a_place("Czech Republic")
    assert names_a_place("Bangkok, Thailand")
    assert not names_a_place("Vermont Information Processing")
    assert not names_a_place("CA")


@pytest.mark.parametrize("header, company, location", [
    ("Kestrel Robotics | Czech Republic | ONSITE | https://kestrel.example",
     "Kestrel Robotics", "Czech Republic"),
    ("Tidewater | Platform Engineer | Chiang Mai, Thailand | Fulltime", "Tidewater",
     "Chiang Mai, Thailand"),
    ("Montana Analytics Group | Data Engineer | Montana, USA | Onsite",
     "Montana Analytics Group", "Montana, USA"),
])
def test_header_segments_naming_places(header, company, location):
    parsed = hn.parse_header(header)
    assert parsed["company"] == company
    assert parsed["location_raw"] == location


def test_location_on_the_lines_below_an_old_style_header():
    text = ("Quarry Labs\n\nPortland, OR | Backend | Full-Time, On-site\n\n"
            "We make tools for stone masons.")
    assert hn.parse_header("Quarry Labs", text)["location_raw"] == "Portland, OR"
    text = ("Ridgeback Health | https://ridgeback.example\n"
            "Location: DENVER (LoDo) or Remote - hybrid\nHeadcount: 40")
    assert hn.parse_header(text.split("\n")[0], text)["location_raw"] == "DENVER (LoDo) or Remote"
    text = "Acme | Engineer\n\nWe like long walks and short meetings."
    assert "location_raw" not in hn.parse_header("Acme | Engineer", text)


# --- pay ------------------------------------------------------------------------------------------

def test_a_range_with_spaced_dash_stays_one_header_segment():
    parsed = hn.parse_header("#! Stonefly : Chicago, IL : 90k - 140k (.2-.5%) : ONSITE")
    assert parsed["salary_text"] == "90k-140k (.2-.5%)"


@pytest.mark.parametrize("text, expected", [
    ("Backend Engineer | Full-Time 70-85k Euro + equity", (70_000, 85_000, "EUR")),
    ("Salary: 55.000 EURO per year", (55_000, 55_000, "EUR")),
    ("| 140K-190K + 0.25-0.75% equity", (140_000, 190_000, None)),
    ("Seattle : 110k-150k (0.1-0.4%)", (110_000, 150_000, "USD")),
])
def test_pay_read_from_real_form_text(text, expected):
    figure = salary.parse_salary_text(text, default_currency="USD" if "Seattle" in text else None)
    assert (figure.min, figure.max, figure.currency) == expected


@pytest.mark.parametrize("text", [
    "Perks: INR50K yearly learning & conference allowance.",
    "We offer a $200 monthly home office stipend and free lunch.",
    "Last quarter we made $400K, and we are growing.",
])
def test_benefits_and_revenue_are_not_pay(text):
    assert salary.parse_salary_text(text, default_currency="USD") is None
