"""Requirement rules added after the fourth labelled set (docs/requirements.md): each form read
wrong on that set's first run, written as a general rule, with its trap beside it."""

from __future__ import annotations

import pytest

from etl.transforms.requirements import (
    degree_asked,
    employment_type_stated,
    min_years_experience,
    seniority_stated,
)

# --- degree --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    # plural "degrees in" is a degree without a level
    ("We have immediate opportunities available to hire candidates with degrees in Electrical "
     "Engineering, Computer Engineering, Computer Science, or closely-related fields.",
     ("bachelor", False)),
    # a graduate of a college holds a college degree (the lowest asked, below the master's)
    ("EDUCATION: Graduate of AACP accredited College of Pharmacy; preferred Master's degree in "
     "Pharmacy.", ("bachelor", False)),
    # experience "will be considered" instead of the degree
    ("An undergraduate degree from a regionally accredited institution in a related field is "
     "preferred but years’ experience will be considered. Must have 2+ years of program "
     "management.", ("bachelor", True)),
])
def test_degree_forms_of_the_fourth_set(text, expected):
    assert degree_asked(text) == expected


@pytest.mark.parametrize("text", [
    # degrees of the people already there
    "We recruit world-class engineers, data scientists and researchers, many of whom have PhDs "
    "in scientific disciplines.",
    # a PhD intern is a student: the degree is being earned, not asked for
    "Machine Learning Engineer (PhD Intern)\n\nWe're transforming the grocery industry.",
    "Master's Intern, Data Science - summer 2025",
])
def test_degrees_not_asked_of_the_candidate(text):
    assert degree_asked(text) == ("none_stated", False)


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "years"), [
    # "N years or more of"
    ("orTwo (2) years or more of full time, out-of-state sworn law enforcement service", 2),
    ("Three years or more of experience with Kubernetes", 3),
    # a long per-skill phrase after "prior"
    ("Bachelor’s degree in Engineering.2-5 years prior industrial sales (B to B) or engineering "
     "experience preferred (fluid systems experience is a plus).", 2),
])
def test_years_forms_of_the_fourth_set(text, years):
    assert min_years_experience(text) == years


@pytest.mark.parametrize("text", [
    "We are a startup and have just wrapped up our seed round, we have 2 years of runway.",
    "Talent and ability to learn are more important than years of experience.",
])
def test_years_that_are_not_experience(text):
    assert min_years_experience(text) is None


# --- seniority -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "level"), [
    # "Dir of" is a director
    ("Bitwarden | DevOps, QA, Dir of Sales, Dir of Marketing, Support | Full-time | REMOTE",
     "lead"),
    # a level joined by a hyphen: "Senior-level", "Junior-to-mid"
    ("Markforged | Software Engineers (Senior-level, full stack) | Boston, MA, USA", "senior"),
    ("ELDRICK | Austin, TX | Hiring\nVIDEOGRAPHER / SHORT-FORM CONTENT CREATOR\nJunior-to-mid "
     "level. Golf interest a plus.", "junior"),
    # a role list item whose line runs on after " - "
    ("Wayfair | Product Management | Boston\n\nOpenings on my team include:\n\n* Sr. Product "
     "Manager, Search - There’s a huge opportunity to improve the way we guide users who search "
     "through our catalog.", "senior"),
    ("Hiring in San Francisco | Onsite, Full time\n\nSr. Site Reliability Engineer - 3+ yrs of "
     "experience, BS or MS in CS or equivalent. Apply here: https://example.com/job/1", "senior"),
    # each part of a "|" list on a later line
    ("Location: United States\nRoles of Interest: Data Analyst | Data Engineer | Business "
     "Intelligence Analyst | Analytics Engineer | Junior AI Engineer / AI Data Scientist",
     "junior"),
    # "Front End" is a role noun
    ("District M | Montreal | FULLTIME\n\nLooking for:\n\n* Full stack, PHP and JS\n\n"
     "* Senior/Intermediate Front End (JS)", "senior"),
    # "... is an entry-level position"
    ("Level 1 Designer\n\nSummary: The job of a Level 1 Designer with Insight Apparel is an "
     "entry-level position designed to give you experience.", "junior"),
])
def test_seniority_forms_of_the_fourth_set(text, level):
    assert seniority_stated(text) == level


@pytest.mark.parametrize("text", [
    "Acme | Engineers | Remote\n\nOur lead-generation team is growing.",
    # "is a" names the role's level only before "position" or "role"
    "Acme | Engineers\n\nOur founder, who wrote the first version over a weekend in 2019, is a "
    "senior engineer at heart.",
    "Acme | Engineers\n\nThis is a full-time role in a team that values calm, written work and "
    "thoughtful code review.",
])
def test_seniority_traps_of_the_new_forms(text):
    assert seniority_stated(text) == "unknown"


# --- employment type -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("Title: HRIS Specialist\nEmployment Type: Contract - Long Term\nReporting To: AVP",
     "contract"),
    ("We Offer:Uncapped EarningsPart and Full-TimeWork from home\nJob Types: Full-time, Part-time",
     "part_time"),
    ("Both full or part-time schedules are possible.", "full_time"),
    ("HIRING FOR: Full-time, part-time, summer, seasonal, and temporary positions available",
     "full_time"),
    ("We fill seasonal positions every winter.", "temporary"),
    ("Position type: seasonal, May to September.", "temporary"),
    # study that is full-time is not the job's type
    ("Job Type: Internship | May 27 - August 23\nIntern must be a currently enrolled student who "
     "will return to college full-time as a sophomore, junior or senior. The college must "
     "confirm their full-time undergraduate status.", "internship"),
])
def test_employment_forms_of_the_fourth_set(text, kind):
    assert employment_type_stated(text) == kind


@pytest.mark.parametrize("text", [
    "Assist with the implementation of seasonal campaigns.",
    "Create designs and develop seasonal sports apparel assortments.",
    "Applicants must document their full-time undergraduate status.",
])
def test_employment_traps_of_the_new_forms(text):
    assert employment_type_stated(text) == "unknown"


# --- forms of the fifth set (labelled after all the fixes above) ---------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("It doesn't matter whether your resumé says PHP or PhD: if you're smart, we want you.",
     ("none_stated", False)),
    ("A minimum of seven years of professional experience; and such training as may have been "
     "gained from a four-year college or university with major course work in Accounting, or "
     "an equivalent combination of experience and training. A Master's degree in Accounting is "
     "preferred.", ("bachelor", True)),
])
def test_degree_forms_of_the_fifth_set(text, expected):
    assert degree_asked(text) == expected


@pytest.mark.parametrize(("text", "years"), [
    ("4-year degree in Engineering (or related field) and 8 plus years of related work "
     "experience.", 8),
    # a degree counted in place of a year is not a figure asked for
    ("A minimum of seven years of progressively responsible professional experience in "
     "Accounting. A Master's degree is preferred, and can be substituted for one year of "
     "experience.", 7),
    # tenure for benefits is not experience
    ("The accrual rate increases at every anniversary until you hit 5 years of service. "
     "Minimum of 3 years of full-time professional non-profit development.", 3),
    # a line naming a second role starts that role's figures: the lowest role counts
    ("We're hiring for:\nSenior & Staff Backend Engineers\n5+ years backend experience; Go "
     "required.\nBackend Engineer (Integrations) – 2–4 years of backend experience. Help expand "
     "our catalog of connectors.", 2),
    ("At least a year of experience with Go.", 1),
])
def test_years_forms_of_the_fifth_set(text, years):
    assert min_years_experience(text) == years


@pytest.mark.parametrize("text", [
    "You'll work on 3-4 different client projects a year. No AI experience required.",
    "We offer 4 weeks of paid vacation each year; it grows until you hit 5 years of service.",
])
def test_years_fifth_set_traps(text):
    assert min_years_experience(text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("Radius Intelligence, San Francisco, CA.\n\nFull-time -- on-site only. INTERN and H1B "
     "welcome.", "unknown"),
    ("BitMEX | San Francisco | On-Site | Full-Time\n\nFor example, as Angelina Kwan, chief "
     "operating officer of BitMEX, put it: “In addition to being a true market leader among "
     "trading platforms, BitMEX shares my values.”\n\nWe are hiring across all departments but our "
     "most pressing needs are for Node/API Engineers, Senior SREs and Kubernetes Engineers.",
     "senior"),
])
def test_seniority_forms_of_the_fifth_set(text, level):
    assert seniority_stated(text) == level


@pytest.mark.parametrize(("text", "kind"), [
    # "\n\nTeam of ~20 people" after the header is not "full-time team"
    ("(spabreaks|yourgolftravel).com | London, UK | Full-time\n\nTeam of ~20 people (developers, "
     "designers, infrastructure)", "full_time"),
    ("Contract Licensed Clinical or Counseling Psychologist\n\nSeeking a psychologist to join us "
     "as a part-time independent contractor!", "contract"),
    ("Contract Manager\n\nYou will manage our vendor contracts. Job Type: Full-time", "full_time"),
    # benefits eligibility and experience are not the job's type
    ("Full-Time & 3/4 Time Benefits Offered: Health Insurance.\nMinimum of 3 years of full-time "
     "professional non-profit development.", "unknown"),
])
def test_employment_forms_of_the_fifth_set(text, kind):
    assert employment_type_stated(text) == kind
