"""REFERENCE COPY (tests only): etl/transforms/requirements.py as it was before the speed work
of issue 11 item 2, line by line and pattern by pattern. tests/test_requirements_speed.py asserts
the module in etl/ gives the same answers. It reads the same word lists; when a rule in the
module's code changes on purpose, make the same change here (or copy the new rule over).

What a posting asks for, read from its text: the degree (and whether equivalent experience is
accepted), the minimum years of experience, the seniority of the role and the employment type.

Word lists live in ``etl/data/requirements.toml``; the rules they serve (and the labelled sets
that measure them) are described in ``docs/requirements.md``. Every function here is pure: text
in, value out.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

WORDS = Path(__file__).resolve().parents[2] / "etl" / "data" / "requirements.toml"
DEGREE_LEVELS = ("bachelor", "master", "phd")  # lowest first
LEVELS = ("intern", "lead", "senior", "junior", "mid")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")


@dataclass(frozen=True)
class Requirements:
    """The four requirements of one posting (empty values: none_stated, False, None, unknown)."""

    degree: str
    degree_equivalent: bool
    min_years_experience: int | None
    seniority: str
    employment_type: str


def _alternation(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@cache
def _rules() -> dict:
    """The word lists compiled once."""
    words = tomllib.loads(WORDS.read_text(encoding="utf-8"))
    deg, yrs, sen, emp = words["degree"], words["years"], words["seniority"], words["employment"]
    numbers = yrs["numbers"]
    num = r"(?:\d{1,2}|" + "|".join(sorted(numbers, key=len, reverse=True)) + r")"
    words = "|".join(sorted(numbers, key=len, reverse=True))
    # a digit may follow a letter (LinkedIn runs lines together: "New York10-15 years")
    # a capitalised number word may follow a lower-case letter too (LinkedIn: "orTwo (2) years")
    first = (rf"(?P<a>(?:(?<![\w,$€£.-])|(?<=(?-i:[a-z]))(?=(?-i:[A-Z])))(?:{words})\b"
             rf"|(?<![\d,$€£])(?<!\d[-–.])\d{{1,2}})")
    figure = (rf"{first}(?:\s*\(\d{{1,2}}\))?\s*\+?\s*(?:plus\s+)?(?:or\s+more\s+)?"
              rf"(?:(?:-|–|—|to|or)\s*(?P<b>{num})(?:\s*\(\d{{1,2}}\))?\s*\+?\s*)?")
    general = "|".join(yrs["general_words"])
    return {
        "degree_hints": tuple(deg["hints"]),
        "degree_hints_cs": re.compile(deg["hints_cs"]),
        "years_hints": tuple(yrs["hints"]),
        "employment_hints": emp["hints"],
        "degree": {level: [re.compile(rf"{_WORD_START}(?:{'|'.join(deg[level])})", re.I),
                           re.compile("|".join(deg.get(f"{level}_cs", ["(?!)"])))]
                   for level in DEGREE_LEVELS},
        "any_degree": re.compile(rf"{_WORD_START}(?:{'|'.join(deg['any_degree'])})", re.I),
        "level_just_before": _alternation(deg["level_just_before"]),
        "not_a_degree": _alternation(deg["not_a_degree"]),
        "not_asked_before": _alternation([rf"\b(?:{p})" for p in deg["not_asked_before"]]),
        "not_asked_after": _alternation(deg["not_asked_after"]),
        "equivalent_after": _alternation(deg["equivalent_after"]),
        "equivalent_before": _alternation(deg["equivalent_before"]),
        "equivalent_anywhere": _alternation(deg["equivalent_anywhere"]),
        "numbers": numbers,
        # "yearsSchedule": LinkedIn runs lines together, so a capital may follow at once
        "years": re.compile(figure + r"(?:years?|yrs?)(?:\(s\))?\.?(?!(?-i:[a-z\d_-]))", re.I),
        "years_after_experience": re.compile(
            rf"{_WORD_START}(?:experience|exp)(?:\s+level)?\s*[:\-–]?\s*{figure}(?:years?|yrs?)"
            r"(?!(?-i:[a-z\d_]))", re.I),
        "yoe": re.compile(figure + r"yoe\b", re.I),
        "years_for_role": re.compile(  # "10+ years for the Principal role, and 5+ for the Senior"
            rf"\byears?\b[^.\n]{{0,60}}\band\s+{first}\+?\s+for\s+(?:the\s+)?"
            r"(?:senior|junior|mid|lead|principal|staff)\b", re.I),
        "general_after": re.compile(
            rf"^\s*(?:of\s+)?(?:(?:{general})[\s,/]+){{0,4}}(?:experienced?|exp)\b"
            r"|^\s*(?:of\s+)?(?:full[- ]time\s+|professional\s+|paid\s+)?work\b"
            r"|^\s*(?:on\s+the\s+job|in\s+(?:the\s+)?industry|in\s+(?:an?\s+)?similar\s+"
            r"(?:role|position)|of\s+software\s+(?:development|engineering)\b"
            r"|apply\s+now\b)", re.I),  # YC job lists: "$160K - $250K 3+ years Apply Now"
        "skill_after": re.compile(  # "2-5 years prior industrial sales (B to B) experience"
            r"^\s*(?:of\s+)?(?:(?:prior|previous|past|recent)\s+)?"
            r"(?:[\w#+./&'’()-]+[\s,/]+){0,7}?(?:experience|exp)\b"
            r"|^\s*(?:of|with|in|using|building|developing|working|writing|designing|managing"
            r"|leading|coding|programming|doing)\s+\S"
            r"|^\s*\((?:required|preferred)\)", re.I),  # "Data Entry, 4 years (Required)"
        "skill_line_end": re.compile(r",\s*$"),
        "narrow_after": re.compile(yrs["narrow_after"] + rf"(?!(?:an?\s+|the\s+)?"
                                   rf"(?:{'|'.join(yrs['broad_scopes'])})\b)", re.I),
        "degree_path_before": re.compile(yrs["degree_path_before"], re.I),
        "degree_path_after": re.compile(yrs["degree_path_after"], re.I),
        "summary_field": re.compile(yrs["summary_field"], re.I),
        "no_unit": re.compile(yrs["no_unit"], re.I),
        "not_experience_before": _alternation(yrs["not_experience_before"]),
        "not_experience_after": _alternation(yrs["not_experience_after"]),
        # "Senior-level", "Junior-to-mid": a hyphen may join a level word to another level
        "level": [(level, re.compile(rf"(?<![\w-])(?:{'|'.join(sen[level])})"
                                     r"(?![\w]|-(?!(?:level|to|or)\b))", re.I))
                  for level in LEVELS],
        "role_noun": re.compile(rf"^[\s/&+,()-]*(?:[\w.#+/-]+[\s/&+,()-]+){{0,4}}?"
                                rf"(?:{'|'.join(sen['role_nouns'])})\b", re.I),
        "role_noun_anywhere": re.compile(rf"\b(?:{'|'.join(sen['role_nouns'])})\b", re.I),
        "title_word": re.compile(r"\b(?:head\s+of|director|vp|vice\s+president|chief|cto"
                                 r"|engineering\s+manager|(?:tech|team|ux|design|qa|data|dev"
                                 r"|product|technical)\s+lead)\b", re.I),
        "not_level": _alternation(sen["not_level"]),
        # split in two in the word lists since (the anchored ones apart): both, as before
        "not_role_line": _alternation(sen["not_role_line_start"] + sen["not_role_line"]),
        "hiring": _alternation([rf"\b(?:{p})\b" for p in sen["hiring_phrases"]]),
        "employment": [(kind, _alternation([rf"{_WORD_START}(?:{p})" for p in emp[kind]],
                                           re.I | re.M))
                       for kind in EMPLOYMENT_TYPES],
        "not_type_before": _alternation(emp["not_type_before"]),
        "not_type_after": _alternation(emp["not_type_after"]),
        "not_contract_after": _alternation(emp["not_contract_after"]),
        "not_internship_before": _alternation(emp["not_internship_before"]),
        "not_internship_after": _alternation(emp["not_internship_after"]),
        "other_role": re.compile(rf"(?<![\w-])(?:{'|'.join(emp['other_roles'])})(?![\w-])", re.I),
        "intern_word": re.compile(rf"{_WORD_START}(?:{'|'.join(emp['internship'])})", re.I),
        "elsewhere": _alternation(emp["elsewhere"]),
        "internship_last": bool(emp.get("internship_last")),
    }


# a word starts after a non-letter, or where LinkedIn ran two lines together ("fieldBachelor")
_WORD_START = (r"(?:(?<![\w-])|(?<=[^\w\s]-)|(?<=^-)|(?<=\s-)"
               r"|(?<=(?-i:[a-z]))-?(?=(?-i:[A-Z]))|(?<=(?-i:[A-Z]{2}))(?=(?-i:[A-Z][a-z])))")
_RUN_TOGETHER = re.compile(r"(?<=[a-z.])(?=[A-Z][a-z])")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|[A-Z])|\n")
_URL = re.compile(r"https?://\S+|www\.\S+")
_OR_MORE = re.compile(r"^\s*(?:or\s+(?:more|longer|above)|and\s+(?:up|above)|plus)\b",
                      re.IGNORECASE)
# the head of a list item "Sr. Product Manager, Search - There's a huge opportunity ..."
_ITEM_HEAD = re.compile(r"\s+[-–—]\s+|:\s")
_ITEM_HEAD_WORDS = 8  # a longer head is a sentence ("For example, as Jane Doe, chief ..., put it")
_A_YEAR_OF = re.compile(r"\s*(?:\+\s*)?(?:of|in|with)\b|\s*(?:\+\s*)?(?:experience|exp)\b",
                        re.IGNORECASE)
_A_YEAR_AFTER = re.compile(r"\b(?:least|than|about|over|around|minimum|min\.?|for|with|have|has"
                           r"|need|needs|require[sd]?|requires?)\s+$", re.IGNORECASE)
_PIPES = re.compile(r"\s+\|\s+")
# the items of a list of roles: "Backend, Web or Android Engineer | VISA, REMOTE, INTERNS"
_ROLE_ITEMS = re.compile(r"\s*[|,;]\s*|\s+(?:or|and|&)\s+|\s+/\s+")


def _clause_before(text: str, start: int, limit: int = 100) -> str:
    """The text before start, back to the start of its sentence or line (at most limit)."""
    window = text[max(0, start - limit):start]
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end():] if ends else window


def _clause_after(text: str, end: int, limit: int = 200) -> str:
    """The text after end, up to the end of its line (at most limit)."""
    window = text[end:end + limit].split("\n", 1)[0]
    joined = _RUN_TOGETHER.search(window, 1)
    return window[:joined.start()] if joined else window


def _lines_with(text: str, hints: tuple[str, ...], pattern: re.Pattern | None = None) -> str:
    """The lines of text holding one of the lower-cased hints (or matching pattern), in order."""
    return "\n".join(line for line in text.split("\n")
                     if any(h in line.lower() for h in hints)
                     or (pattern is not None and pattern.search(line)))


# --- degree ---------------------------------------------------------------------------------

def degree_asked(text: str) -> tuple[str, bool]:
    """(lowest degree asked for, whether equivalent experience is accepted instead)."""
    rules = _rules()
    levels: list[str] = []
    equivalent = False
    full_text = text
    text = _lines_with(text, rules["degree_hints"], rules["degree_hints_cs"])
    if not text:
        return "none_stated", False
    mentions = [(level, m) for level in DEGREE_LEVELS for pattern in rules["degree"][level]
                for m in pattern.finditer(text)]
    mentions += [("bachelor", m) for m in rules["any_degree"].finditer(text)
                 if not rules["level_just_before"].search(text[max(0, m.start() - 25):m.start()])]
    for level, m in mentions:
        around = text[max(0, m.start() - 12):m.end() + 12]
        if rules["not_a_degree"].search(around):
            continue
        before = _clause_before(text, m.start())
        after = _clause_after(text, m.end())
        if rules["not_asked_before"].search(before[-60:]) or \
                rules["not_asked_after"].search(after):
            continue
        levels.append(level)
        line_before = text[max(0, m.start() - 120):m.start()].split("\n")[-1]
        if rules["equivalent_after"].search(after) or \
                rules["equivalent_before"].search(line_before):
            equivalent = True
    if levels and rules["equivalent_anywhere"].search(full_text):
        equivalent = True
    if not levels:
        return "none_stated", False
    return min(levels, key=DEGREE_LEVELS.index), equivalent


# --- years of experience --------------------------------------------------------------------

def _number(word: str, numbers: dict[str, int]) -> int:
    return int(word) if word.isdigit() else numbers[word.lower()]


def _figures(text: str, summary: bool = True) -> tuple[list[int], list[int]]:
    """Minimum years of each experience figure in text: (general figures, per-skill figures);
    a job board's summary field ("Experience level: 4 years") only when no other figure is
    given (and only when summary is true: the posting as a whole gives none)."""
    rules = _rules()
    numbers = rules["numbers"]
    general: list[int] = []
    skill: list[int] = []
    fields: list[int] = []  # "Experience level: 4 years": only when the text gives no figure
    taken: set[int] = set()
    for pattern in (rules["years_after_experience"], rules["yoe"], rules["years_for_role"]):
        for m in pattern.finditer(text):
            field = rules["summary_field"].search(text, max(0, m.start() - 5), m.start("a"))
            (fields if field else general).append(_number(m["a"], numbers))
            taken.add(m.start("a"))
    for m in rules["no_unit"].finditer(text):  # "10+ of successful solution selling experience"
        after = text[m.end("a") + 1:m.end() + 90]
        (general if rules["general_after"].search(after) else skill).append(int(m["a"]))
    for m in rules["years"].finditer(text):
        if m.start("a") in taken:
            continue
        word = m["a"].lower()
        if word in ("a", "an") and m["b"]:
            continue
        before = text[max(0, m.start() - 60):m.start()]
        if word in ("a", "an") and not _A_YEAR_OF.match(text, m.end()) \
                and not _A_YEAR_AFTER.search(before):
            continue  # a rate ("3-4 client projects a year"), not "a year of experience"
        after = _OR_MORE.sub("", text[m.end():m.end() + 90])  # "Two (2) years or more of"
        if rules["not_experience_before"].search(before) or \
                rules["not_experience_after"].search(after):
            continue
        value = _number(m["a"], numbers)
        if m["b"]:
            value = min(value, _number(m["b"], numbers))
        if _narrowed(text, m.start(), after):
            skill.append(value)  # "5+ years of experience in a Cloud engineering role"
        elif rules["general_after"].search(after) or (
                "\n" not in text[:m.start()] and rules["role_noun"].match(after)):
            general.append(value)  # the second form: a title such as "2+ years Attorney"
        elif rules["skill_after"].search(after) and (
                word not in ("a", "an") or re.search(r"experience", after[:80], re.I)):
            skill.append(value)
        elif word not in ("a", "an") and (
                after.split("\n", 1)[0].strip(" .") == ""
                    and rules["skill_line_end"].search(text[max(0, m.start() - 3):m.start()])):
            skill.append(value)
        elif word not in ("a", "an") and _clause_before(text, m.start(), 60).lower().rstrip() \
                .endswith(("minimum", "minimum of", "at least", "min.", "min")):
            general.append(value)
    if summary and not general and not skill:
        general = fields
    return general, skill


def _narrowed(text: str, start: int, after: str) -> bool:
    """Whether the figure at start is experience in a domain or a role ("in carpentry", "in a
    senior sales leadership role", "with Ruby"), part of a total, and not tied to a degree."""
    rules = _rules()
    return bool(rules["narrow_after"].match(after)) \
        and not rules["degree_path_before"].search(_clause_before(text, start, 120)) \
        and not rules["degree_path_after"].match(after)


def min_years_experience(text: str) -> int | None:
    """Minimum years of experience asked for: the lowest general figure, else the highest
    per-skill figure; when lines naming roles cut the text into several sections with figures,
    the lowest section's (docs/requirements.md); None when the text gives no figure."""
    lines = _lines_with(text, _rules()["years_hints"])
    if not lines or sum(map(len, _figures(lines))) < 2:
        return _years_in(text)  # one figure at most: no roles to tell apart
    stated = sum(map(len, _figures(lines, summary=False))) > 0  # figures besides a summary field
    sections = [v for v in (_years_in(part, summary=not stated) for part in _role_sections(text))
                if v is not None]
    if len(sections) > 1:  # several roles with their own figures: the lowest the posting accepts
        return min(sections)
    return _years_in(text)


def _role_sections(text: str) -> list[str]:
    """The text cut where a later line names a role ("Backend Engineer (Integrations) – ...")."""
    years = _rules()["years"]  # a line opening with a figure states a requirement, not a role
    starts = sorted({offset for offset, snippet, needs_noun in _role_contexts(text)
                     if not needs_noun and offset > 0 and not years.match(snippet)})
    bounds = [0, *starts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _years_in(text: str, summary: bool = True) -> int | None:
    """The years one role asks for: the lowest general figure, else the highest per-skill one
    (a summary field only when summary is true and the text gives no other figure)."""
    text = _lines_with(text, _rules()["years_hints"])
    if not text:
        return None
    general, skill = _figures(text, summary)
    if general:
        return min(general)
    if skill:
        return max(skill)
    return None


# --- seniority ------------------------------------------------------------------------------

@lru_cache(maxsize=4)  # seniority, years and employment each read a posting's roles
def _role_contexts(text: str) -> tuple[tuple[int, str, bool], ...]:
    """(offset, snippet, needs a role noun) for the places a posting names its roles: the first
    line, short lines naming a role, and the clause after "hiring", "looking for", ..."""
    rules = _rules()
    contexts: list[tuple[int, str, bool]] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        bare = _URL.sub("", line).strip(" \t-*•>#=|:")
        if number == 0:
            contexts.append((offset, bare[:200], False))
        elif bare:  # a short line, each part of a "|" list, or the head of a long list item
            for part in (_PIPES.split(bare) if "|" in bare else (bare,)):
                part = part.strip(" \t-*•>#=|:")
                if len(part) > 80:
                    head = _ITEM_HEAD.search(part, 0, 81)
                    if head is None or part.count(" ", 0, head.start()) >= _ITEM_HEAD_WORDS:
                        continue
                    part = part[:head.start()]
                if part and not rules["not_role_line"].search(part) and (
                        rules["role_noun_anywhere"].search(part)
                        or rules["title_word"].search(part)):
                    contexts.append((offset, part, False))
        offset += len(line) + 1
    for m in rules["hiring"].finditer(text):
        if re.search(r"\bif\s+you\b", _clause_before(text, m.start(), 60), re.I):
            continue  # "if you are looking for an internship, apply to ...": another posting
        clause = text[m.end():m.end() + 150]
        ends = _SENTENCE_END.search(clause)
        contexts.append((m.end(), clause[:ends.start()] if ends else clause, True))
    return tuple(sorted(contexts, key=lambda c: c[0]))


def _level_in(snippet: str, needs_noun: bool) -> str | None:
    """The level of the first level word in snippet that qualifies a role."""
    rules = _rules()
    found: list[tuple[int, str]] = []
    for level, pattern in rules["level"]:
        for m in pattern.finditer(snippet):
            lo = max(0, m.start() - 30)
            local = snippet[lo:m.end() + 40]
            start, end = m.start() - lo, m.end() - lo
            if any(n.start() <= start < n.end() or n.start() < end <= n.end()
                   for n in rules["not_level"].finditer(local)):
                continue
            if needs_noun and level != "intern" and not (
                    rules["role_noun"].search(snippet[m.end():])
                                   or rules["title_word"].match(snippet[m.start():])):
                continue
            found.append((m.start(), level))
    return min(found)[1] if found else None


def seniority_stated(text: str) -> str:
    """intern / junior / mid / senior / lead stated for the first role that states one."""
    for _, snippet, needs_noun in _role_contexts(text):
        level = _level_in(snippet, needs_noun)
        if level:
            return level
    return "unknown"


# --- employment type ------------------------------------------------------------------------

def other_role_before(text: str, end: int) -> bool:
    """Whether the posting names a role that is not an internship before offset end, where it
    names its roles (first line, short lines, "|" lists, list-item heads, "hiring ..."), one
    list item at a time."""
    rules = _rules()
    for offset, snippet, _ in _role_contexts(text):
        if offset >= end:
            break
        at = offset
        for item in _ROLE_ITEMS.split(snippet):
            at = text.find(item, at) if item else at
            if 0 <= at < end and rules["other_role"].search(item) \
                    and not rules["intern_word"].search(item):
                return True
    return False


def employment_type_stated(text: str) -> str:
    """full_time / part_time / contract / internship / temporary as first stated, else unknown;
    an internship beside other types or other roles is one of several roles, not the type."""
    rules = _rules()
    full_text = text
    found: list[tuple[int, str]] = []
    hints = tuple(h for kind in EMPLOYMENT_TYPES for h in rules["employment_hints"][kind])
    text = _lines_with(text, hints)
    lower = text.lower()
    for kind, pattern in rules["employment"]:
        if not any(h in lower for h in rules["employment_hints"][kind]):
            continue
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40):m.start()]
            after = text[m.end():m.end() + 40]
            if rules["not_type_before"].search(before) or rules["not_type_after"].search(after):
                continue
            if kind == "contract" and rules["not_contract_after"].search(after):
                continue
            if kind == "internship" and (rules["not_internship_before"].search(before)
                                         or rules["not_internship_after"].search(after)):
                continue
            if rules["elsewhere"].search(_clause_before(text, m.start(), 200)):
                continue
            found.append((m.start(), kind))
    if rules["internship_last"] and any(k != "internship" for _, k in found):
        found = [(at, k) for at, k in found if k != "internship"]
    if found and all(k == "internship" for _, k in found):
        first = rules["intern_word"].search(full_text)  # the posting names another role first
        if first and other_role_before(full_text, first.start()):
            return "unknown"
    return min(found)[1] if found else "unknown"


def requirements_in(text: str) -> Requirements:
    """All four requirements of a posting's text."""
    degree, equivalent = degree_asked(text)
    return Requirements(degree, equivalent, min_years_experience(text), seniority_stated(text),
                        employment_type_stated(text))
