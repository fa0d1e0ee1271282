"""Years of experience: a figure narrowed to a domain or a role is part of a total, a figure tied
to a degree is one path among several, a job board's summary field yields to the text, "N+ of
... experience" without "years", and a line opening with a figure is not a role's heading
(docs/requirements.md, "Years of experience")."""

from __future__ import annotations

import pytest

from etl.transforms.requirements import min_years_experience

# --- a figure narrowed to a domain or a role is part of the total --------------------------------

@pytest.mark.parametrize(("text", "years"), [
    # the second set: a role-narrowed figure under the total
    ("-8+ years of experience in a professional work environment\n"
     "-5+ years of experience in a Cloud engineering role", 8),
    # a domain-narrowed figure under a total
    ("5+ years experience as a software engineer\n3+ years experience with Ruby on Rails", 5),
    ("- At least 5 years experience working in QA role\n"
     "- At least 3 years experience with a scripting language (eg Python, BASH)", 5),
    ("-6 years experience in software development with a strong expertise in one key area.\n"
     "-2 to 3 years experience as a technical or development leader", 6),
    # only narrowed figures: the largest (a candidate has at least that many in total)
    ("Ideal candidates have 2-3 years experience in Ruby on Rails and 1-2 years experience in "
     "React and Redux.", 2),
])
def test_a_figure_narrowed_to_a_domain_or_role_is_part_of_the_total(text, years):
    assert min_years_experience(text) == years


@pytest.mark.parametrize(("text", "years"), [
    # "experience in a similar role", "in the industry", "in software": the whole career
    ("Minimum of 5 years of experience in a similar role\n3 years of experience", 3),
    ("4+ years of experience in the industry; 6+ years of experience in total", 4),
    ("3+ years of experience in software development\n5+ years of professional experience", 3),
])
def test_a_broad_scope_keeps_a_figure_general(text, years):
    assert min_years_experience(text) == years


@pytest.mark.parametrize(("text", "years"), [
    ("Bachelor of Science in Electrical Engineering with 10+ years of experience with electrical "
     "design OR Master of Science Degree in Engineering with 8+ years of experience with design",
     8),
    ("2 years of related experience with a Bachelor's degree in Computer Engineering. "
     "0 years of related experience with a Master's degree in Computer Engineering.", 0),
    ("Two years of work experience in the areas of web development with a related BA/BS degree, "
     "or four years of work experience", 2),
])
def test_a_figure_tied_to_a_degree_is_one_path_not_a_narrower_figure(text, years):
    assert min_years_experience(text) == years


# --- the third set: a summary field yields to the text -------------------------------------------

def test_a_summary_field_yields_to_the_figures_of_the_text():
    text = ("Qualifications:5 + years of management/supervisory experience in a maintenance "
            "role\nTwo or more years of experience in carpentry, electrical work, and plumbing, "
            "with an additional five or more years of experience specifically in commercial "
            "heating.\nBenefits:Vision insuranceExperience level: 4 yearsSchedule:8 hour shift")
    assert min_years_experience(text) == 5


def test_a_summary_field_counts_when_the_text_gives_no_figure():
    assert min_years_experience("Yearly payExperience level: 4 yearsSchedule:8 hour shift") == 4


# --- the fifth set: "N+ of ... experience" without "years" ---------------------------------------

def test_a_figure_with_years_left_out_counts():
    text = ("Bachelor's degree or equivalent work experience.10+ of successful solution selling "
            "experience in the technology ecosystem.Proven track record in B2B sales, with at "
            "least 5 years of experience in a senior sales leadership role.")
    assert min_years_experience(text) == 10


@pytest.mark.parametrize("text", [
    "10+ of our engineers have experience with Rust.",
    "Pick 3+ of the following: experience with Go, Rust or C++.",
])
def test_a_count_of_people_or_items_is_not_a_figure(text):
    assert min_years_experience(text) is None


# --- a line opening with a figure is a requirement, not a role -----------------------------------

def test_a_line_opening_with_a_figure_does_not_start_a_new_role():
    text = ("Cloud Engineer, Senior\nBasic Qualifications:\n"
            "-8+ years of experience in a professional work environment\n"
            "-5+ years of experience in a Cloud engineering role\n-Experience with Python")
    assert min_years_experience(text) == 8


def test_a_role_heading_still_starts_a_new_role():
    text = ("We're hiring for:\nSenior Backend Engineers\n5+ years backend experience; Go "
            "required.\nBackend Engineer (Integrations) - 2-4 years of backend experience.")
    assert min_years_experience(text) == 2
