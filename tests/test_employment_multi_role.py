"""Employment type of postings that list several roles, and header words that are not a type
(docs/requirements.md, "Employment type"): interns beside other roles, "PT" as a time zone,
"Full-time Contract", "Full or Part-time", freelancers as a product's users."""

from __future__ import annotations

import pytest

from etl.sources.hn import employment_type as header_type
from etl.transforms.requirements import employment_type_stated, other_role_before

# --- HN header lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "kind"), [
    # interns beside another role named first: one of several roles, the body decides
    ("Monzo | Backend, Web or Android Engineer | London | VISA, REMOTE, INTERNS", None),
    ("Shell TechWorks | Senior Software Developer, Intern | Cambridge, MA | Onsite |", None),
    ("PartsCloud | Remote | Data engineer, Full-stack engineer, Interns | https://partscloud.com",
     None),
    # interns beside the old tags VISA / REMOTE / ONSITE, or "intern ok": who may apply
    ("Kabotip.com - Tokyo, Japan - REMOTE, INTERNS.", None),
    ("Citymapper. London, UK. (ONSITE VISA INTERNS)", None),
    ("Care Thread · Providence, RI · local or remote · intern OK", None),
    # ... but interns alone, or an intern role, are the posting's type
    ("Intern | Remote", "internship"),
    ("Acme | Software Engineering Intern | NYC | Onsite", "internship"),
    # a full-time role beside interns: full-time wins
    ("Cubist | Machine Learning Researcher | New York | Onsite | Full Time and Interns",
     "full_time"),
    # "PT" is part-time only among employment words, not a time zone or a country
    ("Aptible (YC S14) | Remote (PT through ET Time Zones) | https://www.aptible.com", None),
    ("Wordans (https://www.wordans.com) | Lisbon, PT | Ruby on Rails | Onsite", None),
    ("Acme | Engineer | PT | Remote", "part_time"),
    ("Acme | Engineer | FT/PT", "full_time"),
    # "Full-time Contract": a contract for full-time hours
    ("klarasystems.com | OpenZFS Developer | REMOTE | Full-time Contract", "contract"),
    ("ServiceBell | Remote | Full Time (Contract) | https://servicebell.com", "contract"),
    ("Tython | Salesforce Engineer | Full-time Contract to Hire | REMOTE", "contract"),
    ("Acme | Engineer | Full-time, Contract", "full_time"),  # two types offered
    ("Kimmel & Associates | $100/hour | Part-Time Remote Contract | Rails/GraphQL", "contract"),
    # a future is not the type, a smart contract is not a contract
    ("Graphistry | Remote or US | Mid/Senior Django/Python | Freelance with option for FTE",
     "contract"),
    ("SMART CONTRACT DEVELOPER WANTED", None),
    # "Full or Part-time" offers full-time
    ("Rotki Solutions GmbH | REMOTE (or Berlin/Germany) | Full or Part-time", "full_time"),
    ("Akvo.org - Tech doc writer - Amsterdam, NL - Full/part time", "full_time"),
    ("CAR2AD | Full-stack Engineer | Berlin, Full- or part-time | co-founders welcome",
     "full_time"),
    ("Array | NYC | Backend, Frontend, QA Engineers | Remote | Full & Part Time", "full_time"),
    ("Playlist Music | iOS or Android Engineer | Palo Alto, CA | FTE or Contract", "full_time"),
])
def test_header_employment_type(header, kind):
    assert header_type(header) == kind


# --- body text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    # interns listed after other roles: not the posting's type (and no other type stated)
    ("Hiring for C# and Python developers, BAs, and automation testers.\n\n"
     "JavaScript UI Dev, Software Engineer, Software Engineer Intern, Software QA Engineer",
     "unknown"),
    ("Acme | Remote\n\nWe are hiring:\n\n* Backend Engineer\n* Product Designer\n\n"
     "We also hire interns so please feel free to apply for that as well.", "unknown"),
    # an internship programme whose roles follow it is an internship
    ("Location: Austin TX\n\nExperience a world-class internship program!\n\n"
     "Internships Opportunities for Undergrad and Masters Students\n\n"
     "Tools Developer - SWG-0691285\nJava Developer - SWG-0694944", "internship"),
    ("Kabotip.com - Tokyo, Japan - REMOTE, INTERNS.\n\nWe're based in Tokyo, and are currently "
     "considering onboarding interns for engineering and marketing.", "internship"),
    ("Care Thread · Providence, RI · local or remote · intern OK\n\nWe're looking for developers.",
     "unknown"),
    ("Machine Learning Engineer (PhD Intern)\n\nWe're transforming the grocery industry.",
     "internship"),
    ("Bild AI Is Hiring Interns to Make Housing Affordable\n\nAI/SWE Intern (Summer 2026)",
     "internship"),
    # internships the posting does not offer
    ("Acme | Engineer | Remote\n\nNote, I currently don't have openings for interns or recent "
     "college grads.", "unknown"),
    ("All roles - minimum 1 years work experience required (Sorry no internships).", "unknown"),
    ("Apply for our Senior Software Engineer position! Interns and junior roles not available "
     "currently.", "unknown"),
    ("* 5+ years of experience (internships included)", "unknown"),
    # freelancers as the product's users, freelancing as someone's past
    ("At FreeAgent we help freelancers and small businesses be more successful.", "unknown"),
    ("We are building software to bridge the gap between freelance developers and studios.",
     "unknown"),
    ("We offer an easy way for 1099 workers and freelance and gig economy workers to get cover.",
     "unknown"),
    ("Perhaps you have also worked on a couple startups or freelanced.", "unknown"),
    ("There are 2 of us on the core team, and we coordinate a team of freelance writers.",
     "unknown"),
    ("We have a partially completed NextJS app built with the help of freelancer.", "unknown"),
    ("You should try out management or have some freelance or entrepreneurial experience.",
     "unknown"),
    # B2B as a market, not a B2B contract
    ("Help us support our growing number of enterprise (B2B) customers.", "unknown"),
    ("Experience working on B2B and SaaS products is a big plus.", "unknown"),
    ("Contract: B2B contract, 6 months", "contract"),
    ("We're currently looking for full-time software developers and designers.", "full_time"),
    # ... but a freelance job is a contract
    ("CloserIQ is looking for a freelance writer to help us create content.", "contract"),
    ("Initially, you will be employed as a freelancer.", "contract"),
])
def test_body_employment_type_of_multi_role_postings(text, kind):
    assert employment_type_stated(text) == kind


def test_other_role_before_reads_one_list_item_at_a_time():
    line = "Monzo | Backend, Web or Android Engineer | London | VISA, REMOTE, INTERNS"
    assert other_role_before(line, line.index("INTERNS"))
    assert not other_role_before(line, line.index("Backend"))
    assert not other_role_before("Acme | Software Engineering Intern | NYC", 40)
