"""Requirements read from posting text: real forms, traps, the written rules, and the scores on
the labelled real postings (docs/requirements.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.evaluate_requirements import DEV_LABELS, FIELDS, evaluate, load_labels, score
from etl.transforms.normalize import posting_row
from etl.transforms.requirements import (
    Requirements,
    degree_asked,
    employment_type_stated,
    min_years_experience,
    requirements_in,
    seniority_stated,
)
from tests.conftest import PROJECT_ROOT

AUDIT_LABELS = PROJECT_ROOT / "tests" / "eval" / "requirements_audit_labels.jsonl"
THIRD_LABELS = PROJECT_ROOT / "tests" / "eval" / "requirements_third_labels.jsonl"
FOURTH_LABELS = PROJECT_ROOT / "tests" / "eval" / "requirements_fourth_labels.jsonl"
FIFTH_LABELS = PROJECT_ROOT / "tests" / "eval" / "requirements_fifth_labels.jsonl"
FLOOR = 0.95  # the goal (issue 10), met on every field of every set after its fixes
# years reach 1.000 / 1.000 on all five sets since the narrowed-figure rules
# (tests/test_requirements_years.py, docs/requirements.md): their floor is that figure
FLOORS = {"min_years_experience": 1.0}


# --- degree --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Qualifications: Bachelor's degree in Computer Science or related field.",
     ("bachelor", False)),
    ("BS/MS in Computer Science or equivalent", ("bachelor", True)),
    ("BS, MS or PhD in Computer Science or a related field", ("bachelor", False)),
    ("A Master's Degree in Speech Language Pathology", ("master", False)),
    ("MS or PhD in machine learning", ("master", False)),
    ("Master's degree preferred; Bachelor's degree required.", ("bachelor", False)),
    ("Juris Doctor degree (J.D.) from an accredited law school", ("phd", False)),
    ("4-year Engineering Degree or Equivalent", ("bachelor", True)),
    ("College degree in related field or 2-5 years of experience on commercial projects",
     ("bachelor", True)),
    ("1-3 years of relevant experience in HR and/or bachelor's degree in Business",
     ("bachelor", True)),
    ("Required Education\n4 Year Degree", ("bachelor", False)),
    ("Desired Experience, Knowledge, Skills and Abilities-Bachelor's or Master's in Mechanical "
     "Engineering.-5 or more years of related work experience", ("bachelor", False)),
    ("Medical degree with board certification in a relevant specialty", ("phd", False)),
    ("QUALIFICATIONSD.D.S. with Illinois license.", ("phd", False)),
    ("Doctor of Veterinary Medicine degree from an accredited veterinary college", ("phd", False)),
    ("Relevant technical background such as M.Sc.E.E or equivalent", ("master", True)),
    ("Bachelor's degree in engineering. Seven years experience; or any combination of "
     "education, training, and experience providing the necessary knowledge", ("bachelor", True)),
    # LinkedIn runs lines together
    ("QualificationsBachelor's degree or equivalent experienceStrong communication",
     ("bachelor", True)),
    ("Bachelor's degree in Accounting or related fieldPreferred Experience: 2 years of accounting"
     " experience", ("bachelor", False)),
    ("Bachelor's degree in marketing.Minimum of two years of experience. Equivalent education "
     "and experience may be substituted.", ("bachelor", True)),
])
def test_degree_real_forms(text, expected):
    assert degree_asked(text) == expected


@pytest.mark.parametrize("text", [
    "We're a small team founded by Stanford PhDs.",
    "one of the team has a degree in Marketing; several of us never graduated",
    "Learning budget (1 guy uses his to part fund his AI doctorate)",
    "Currently pursuing a degree in Marketing, Communications or a related field",
    "Bachelor's degree or diploma in Business, Law, or any related field. (Not Required)",
    "Associate's degree in nursing",
    "a high degree of fluency in Spanish and French",
    "eager folks who can partner well with PhD level researchers",
    "A bachelor's degree in exercise science or a related field preferred but not required.",
    "We treat MS, RA and IBD patients; our M.S. clinics are in LA",
    "no BS, just shipping; BA (Buenos Aires) or remote",
    "ability to master technical content quickly; Scrum Master certification a plus",
])
def test_degree_traps(text):
    assert degree_asked(text) == ("none_stated", False)


# --- years of experience -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "years"), [
    ("* 5+ years of work experience, preferably in SaaS.", 5),
    ("Requirements: 2-3 years of experience in a similar position is preferred.", 2),
    ("Job type Full-time Role Engineering, Backend Experience 3+ years Visa US citizen", 3),
    ("Exp: 6–12+ yrs", 6),
    ("a frontend (or fullstack) software engineer with 3+ YoE.", 3),
    ("Experience- Two (2) years of experience in counseling or psychotherapy", 2),
    ("Requirements:1+ year(s) of experience in Equity Capital Markets", 1),
    ("At least a year of communications, marketing or social media experience", 1),
    ("junior engineers that have 0-3 years of professional experience in software", 0),
    ("significant engineering experience (3-5 years full time work)", 3),
    ("Minimum 5 yrs. on the job with mechanical license.", 5),
    ("- Hands-on management of Linux systems (Ubuntu preferred), 3+ years\n- Python", 3),
    ("Licensed to practice law in New York10-15 years of experience", 10),
    ("Degree or Equivalent5+ Years experience designing motor controls", 5),
    ("We're looking for 10+ years experience for the Principal role, and 5+ for the Senior", 5),
    ("QualificationsExperience:Data Entry, 4 years (Required)Customer Service, 2 years "
     "(Preferred)", 4),
    ("Yearly payExperience level:5 yearsSchedule:8 hour shift", 5),
    ("--7+ years of full stack experience\n--Strong Java experience", 7),
    ("2+ years Attorney\n\nBenefits", 2),
    ("- Have 4 or more years professional experience (or just done a lot of code).", 4),
    ("2-10 year experienced lawyer preferred but will consider more experienced lawyers.", 2),
    # the written rules: the total counts; per-skill only: the largest; roles: the lowest
    ("5+ years in total, 2 with Go", 5),
    ("5+ years of software development experience, including 2+ years with Go", 5),
    ("3+ years of Python experience and 2+ years of AWS experience", 3),
    ("Senior: 5+ years of experience. Junior: 1+ years of experience.", 1),
    ("3 years of experience required, 5 years of experience preferred", 3),
])
def test_years_real_forms_and_rules(text, years):
    assert min_years_experience(text) == years


@pytest.mark.parametrize("text", [
    "Behavioral Pathways has been in business for 27 years.",
    "With over 44 years of experience, we provide a wide range of engineering services.",
    "Glastender has been serving the industry for over 50 years.",
    "a 4-year bachelor's degree in electrical engineering",
    "Seasoned sales team (20+ years in telecom).",
    "Candidates must be 18 years old; options vest over 4 years.",
    "You love making software, and you have a few years of experience doing it.",
    "Experience Any (new grads ok) Visa US citizen/visa only",
    "Vacation: accruals start at ten (10) days per year",
    "Qualifications:Minimum 18 years of ageLegal U.S. Resident",
])
def test_years_traps(text):
    assert min_years_experience(text) is None


# --- seniority -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "level"), [
    ("Tesorio | Sr. Backend Engineer, Remote | Engineering | Full-time", "senior"),
    ("Kroo Bank | Software Engineers, DevOps, Tech Leads | ONSITE | Full-time", "lead"),
    ("Acme | Remote\nWe're hiring:\n- Senior Fullstack Engineer https://example.org/1", "senior"),
    ("Acme | Berlin\nHiring for:\nDevOps Engineer: https://x.org/1\nLead DevOps Engineer: "
     "https://x.org/2", "lead"),
    ("Acme | Mid to Senior Computational Geometer | Full-time", "mid"),
    ("Acme | Software Engineer | Full Time | Mid-level", "mid"),
    ("Sales and Marketing Assistant (Graduate)\n\nJoin our team!", "junior"),
    ("Acme (YC W23) is hiring a deployment lead to accelerate access", "lead"),
    ("San Francisco\n\nacme.com is hiring another senior Django developer. Must be on-site.",
     "senior"),
    ("Validation Engineer\n\nRequired: 6-10+ years (Hiring for multiple roles Junior, Mid and "
     "Senior levels)", "junior"),
    ("Acme | ML Researcher | New York | Onsite | Full Time and Interns", "intern"),
    ("Roostify | San Francisco | Full-Time | Eng Manager, Sr. Software Eng, or Sr. DevOps |",
     "lead"),
    ("Acme | Engineer\nWe're looking for an entrepreneurial full-stack engineer (senior or above)"
     " to help us grow.", "senior"),
    ("Acme | Engineer\nWe're hiring for mid-stage software engineers. You'd hold", "mid"),
    ("San Francisco, CA\nUX LEAD:: Razorfish\nSENIOR FRONT END WEB DEVELOPER :: Razorfish",
     "lead"),
    ("Acme | Boston | Fulltime\nWe're currently hiring for a variety of roles including machine "
     "learning engineers and various interns.\nSenior Full Stack Engineer", "intern"),
])
def test_seniority_real_forms(text, level):
    assert seniority_stated(text) == level


@pytest.mark.parametrize("text", [
    "Acme | DevOps Engineer\nWe'd prefer 2-3+ years, but junior candidates are encouraged to "
    "apply.",
    "Acme | Engineer\nYou will work with senior engineers and report to the Lead of Platform.",
    "StockX | Node.js Developer\nLooking for a strong engineer to take the lead on our web app.",
    "Acme | Software Engineer\nIf you are a new or recent graduate, please apply to the New Grad "
    "position on our careers page.",
    "Acme | Engineer\nQuestions? Email our CTO Jonas directly.\nLuke|CTO",
    "Acme | Backend Engineer - All Levels | Los Angeles",
    "Acme | Engineer\nI'm Scott, Founder/CEO/CTO. Apply at https://example.org",
    "Acme | Polymath Engineer (Founding Team) | ONSITE\n• I previously was VP Eng at Bugsnag",
])
def test_seniority_traps(text):
    assert seniority_stated(text) == "unknown"


# --- employment type -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind"), [
    ("Acme | Engineer | Full-Time | ONSITE", "full_time"),
    ("Policy Expert|Backend Java Dev|London|Hybrid|Full Time Permanent", "full_time"),
    ("Datawrapper | Backend Developers | Remote (EU) | FTE / 80% (4-day week)", "full_time"),
    ("Doubling | Junior Software Engineer (Contract, 1099) | NYC ONSITE", "contract"),
    ("Family Office | Ops Lead | Miami | $90-150K + Equity | Contract-to-hire", "contract"),
    ("This could be remote - part-time, contract or freelance opportunity.", "part_time"),
    ("Acme | 3 Senior Software Engineer | Boston | Full Time or Contract | ONSITE", "full_time"),
    ("KIProtect | Senior Backend SWE; Internships | Berlin | Full Time / Part Time", "full_time"),
    ("Also looking for a freelance infographic designer (remote)", "contract"),
    ("Job Types: Part-time 15-20 hours a week", "part_time"),
    ("Employment Type & ShiftsFull TimeDirect Hire1st Shift", "full_time"),
    ("support onboarding for a 3-month contract, with potential to extend", "contract"),
    ("Duration: Seasonal (About 4 months)", "temporary"),
    ("The 2024 Internship program is a 120-day internship with the potential to turn into a "
     "full time position.", "internship"),
])
def test_employment_real_forms(text, kind):
    assert employment_type_stated(text) == kind


@pytest.mark.parametrize("text", [
    "Wright Contracting is a well-respected commercial general contractor.",
    "We have contracts in multiple states and smart contracts on chain.",
    "Prepare tax documents, including but not limited to Forms 1099.",
    "Help Scout engineering is 24 full time engineers organized into 6 teams.",
    "We provide full-time employees with a comprehensive benefits package.",
    "Previous internship or work experience in sales is a plus.",
    "You will be managing interns and support 4-6 accounts.",
    "If you are looking for an internship, please apply to the Intern position on our page.",
    "Strong performance may lead to future full-time consideration.",
    "Plan the management of the solid waste contract, water and sewer maintenance.",
    "Candidates going to school part-time in the evening are ideal.",
    "honoring seasonality and providing an intimate guest experience",
    "1-2 years previous automotive engineering experience including internship.",
    # interns beside engineering roles named first: one of several roles (the multi-role rule)
    "Monzo | Backend, Web or Android Engineer | London | VISA, REMOTE, INTERNS",
])
def test_employment_traps(text):
    assert employment_type_stated(text) == "unknown"


# --- the whole record and the build --------------------------------------------------------------

def test_requirements_in_gathers_the_four():
    text = ("Acme | Senior Backend Engineer | Remote | Full-time\n"
            "- BS in Computer Science or equivalent experience\n- 5+ years of experience")
    assert requirements_in(text) == Requirements("bachelor", True, 5, "senior", "full_time")


def test_empty_text_has_empty_requirements():
    assert requirements_in("") == Requirements("none_stated", False, None, "unknown", "unknown")


def test_posting_row_reads_requirements_from_the_text_when_the_source_is_silent():
    staging = {"source_id": "1", "posted_date": dt.date(2024, 1, 5), "title": "Backend Engineer",
               "description": "Acme | Senior Backend Engineer | Contract\nMaster's degree in CS."
                              "\n3+ years of Go experience."}
    row = posting_row(staging, "src", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert (row["degree"], row["degree_equivalent"], row["min_years_experience"],
            row["seniority"], row["employment_type"]) == ("master", False, 3, "senior", "contract")


def test_title_and_source_values_win_over_the_text():
    staging = {"source_id": "2", "posted_date": dt.date(2024, 1, 5),
               "title": "Junior Backend Engineer", "employment_type": "full_time",
               "description": "We are hiring a senior engineer on contract. PhD required."}
    row = posting_row(staging, "src", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert (row["seniority"], row["employment_type"], row["degree"]) == (
        "junior", "full_time", "phd")


# --- scoring and the labelled real postings -------------------------------------------------------

def test_score_counts_positives_exactly():
    labels = [{"source": "s", "id": "1", "degree": "bachelor", "degree_equivalent": False,
               "min_years_experience": 3, "seniority": "unknown", "employment_type": "contract"},
              {"source": "s", "id": "2", "degree": "none_stated", "degree_equivalent": False,
               "min_years_experience": None, "seniority": "senior", "employment_type": "unknown"}]
    found = [Requirements("master", False, 3, "lead", "contract"),
             Requirements("none_stated", False, 2, "senior", "unknown")]
    s = score(labels, found)
    assert (s["degree"].tp, s["degree"].fp, s["degree"].fn) == (0, 1, 1)
    assert (s["min_years_experience"].tp, s["min_years_experience"].fp) == (1, 1)
    assert (s["seniority"].tp, s["seniority"].fp, s["seniority"].fn) == (1, 1, 0)
    assert s["employment_type"].precision == s["employment_type"].recall == 1.0
    assert s["degree_equivalent"].precision == 1.0  # no positives at all


@pytest.mark.parametrize(("labels", "size"), [
    (DEV_LABELS, 150), (AUDIT_LABELS, 100), (THIRD_LABELS, 60), (FOURTH_LABELS, 150),
    (FIFTH_LABELS, 100)],
    ids=["dev", "second", "third", "fourth", "fifth"])
def test_scores_on_labelled_real_postings_stay_above_the_floor(shared_data, labels, size):
    rows = load_labels(labels)
    assert len(rows) == size
    scores = evaluate(shared_data, rows)
    low = {f: (round(s.precision, 3), round(s.recall, 3)) for f, s in scores.items()
           if min(s.precision, s.recall) < FLOORS.get(f, FLOOR)}
    assert set(scores) == set(FIELDS)
    assert not low, low
    assert all(s.tp > 0 for s in scores.values())  # every field has positives to score
