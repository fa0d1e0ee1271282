"""What a posting asks for, read from its text: the degree (and whether equivalent experience is
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
from typing import Final

import ahocorasick_rs

from etl.paths import ETL_DATA
from etl.transforms import salary
from etl.transforms.caseless import Caseless, lowers_safely
from etl.transforms.gate import gated

WORDS: Final = ETL_DATA / "requirements.toml"
DEGREE_LEVELS: Final = ("bachelor", "master", "phd")  # lowest first
LEVELS: Final = ("intern", "lead", "senior", "junior", "mid")
EMPLOYMENT_TYPES: Final = ("full_time", "part_time", "contract", "internship", "temporary")


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
    number_words = "|".join(sorted(numbers, key=len, reverse=True))
    # a digit may follow a letter (LinkedIn runs lines together: "New York10-15 years")
    # a capitalised number word may follow a lower-case letter too (LinkedIn: "orTwo (2) years")
    first = (rf"(?P<a>(?:(?<![\w,$€£.-])|(?<=(?-i:[a-z]))(?=(?-i:[A-Z])))(?:{number_words})\b"
             rf"|(?<![\d,$€£])(?<!\d[-–.])\d{{1,2}})")
    figure = (rf"{first}(?:\s*\(\d{{1,2}}\))?\s*\+?\s*(?:plus\s+)?(?:or\s+more\s+)?"
              rf"(?:(?:-|–|—|to|or)\s*(?P<b>{num})(?:\s*\(\d{{1,2}}\))?\s*\+?\s*)?")
    general = "|".join(yrs["general_words"])
    return {
        "degree_hints": tuple(deg["hints"]),
        "degree_hints_cs": gated(re.compile(deg["hints_cs"])),
        "degree_hints_cs_literals": tuple(deg["hints_cs_literals"]),
        "years_hints": tuple(yrs["hints"]),
        "employment_hints": emp["type_hints"],
        "all_employment_hints": tuple(h for kind in EMPLOYMENT_TYPES for h in emp["hints"][kind]),
        "degree": {level: [gated(re.compile(rf"{_WORD_START}(?:{'|'.join(deg[level])})", re.I)),
                           re.compile("|".join(deg.get(f"{level}_cs", ["(?!)"])))]
                   for level in DEGREE_LEVELS},
        "any_degree": gated(re.compile(rf"{_WORD_START}(?:{'|'.join(deg['any_degree'])})",
                                       re.I)),
        "level_just_before": _alternation(deg["level_just_before"]),
        "not_a_degree": _alternation(deg["not_a_degree"]),
        "not_asked_before": _alternation([rf"\b(?:{p})" for p in deg["not_asked_before"]]),
        "not_asked_after": _alternation(deg["not_asked_after"]),
        "equivalent_after": _alternation(deg["equivalent_after"]),
        "equivalent_before": _alternation(deg["equivalent_before"]),
        "equivalent_anywhere": _alternation(deg["equivalent_anywhere"]),
        "numbers": numbers,
        # "yearsSchedule": LinkedIn runs lines together, so a capital may follow at once
        # gated (etl/transforms/gate.py): tried only at a digit or a number word's first letter
        "years": gated(re.compile(figure + r"(?:years?|yrs?)(?:\(s\))?\.?(?!(?-i:[a-z\d_-]))",
                                  re.I)),
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
        "no_unit": gated(re.compile(yrs["no_unit"], re.I)),
        "not_experience_before": _alternation(yrs["not_experience_before"]),
        "not_experience_after": _alternation(yrs["not_experience_after"]),
        # "Senior-level", "Junior-to-mid": a hyphen may join a level word to another level
        "level": [(level, gated(re.compile(rf"(?<![\w-])(?:{'|'.join(sen[level])})"
                                           r"(?![\w]|-(?!(?:level|to|or)\b))", re.I)))
                  for level in LEVELS],
        "role_noun": re.compile(rf"^[\s/&+,()-]*(?:[\w.#+/-]+[\s/&+,()-]+){{0,4}}?"
                                rf"(?:{'|'.join(sen['role_nouns'])})\b", re.I),
        "role_noun_anywhere": re.compile(rf"\b(?:{'|'.join(sen['role_nouns'])})\b", re.I),
        "title_word": re.compile(_TITLE_WORD, re.I),
        # either of the two above: what a line naming a role holds
        "role_or_title": Caseless(_alternation([rf"\b(?:{'|'.join(sen['role_nouns'])})\b",
                                                _TITLE_WORD]).pattern),
        "role_hints": tuple(sen["role_hints"]) + _TITLE_HINTS,
        "level_hints": {level: tuple(sen["level_hints"][level]) for level in LEVELS},
        # every level's hints in one tuple, and the level of each: one scan of a snippet tells
        # which levels' hints it holds (_levels_hinted)
        "level_hint_words": tuple(h for level in LEVELS for h in sen["level_hints"][level]),
        "level_of_hint": tuple(level for level in LEVELS for _ in sen["level_hints"][level]),
        "hiring_starts": tuple(sen["hiring_starts"]),
        "not_level": _alternation(sen["not_level"]),
        # a part of a line opening as a signature, or saying one anywhere (_signature)
        "not_role_line_start": Caseless(_alternation(sen["not_role_line_start"]).pattern),
        "not_role_line": Caseless(_alternation(sen["not_role_line"]).pattern),
        "not_role_line_hints": tuple(sen["not_role_line_hints"]),
        # the word start (zero-width, one way to match) tried once per position, not per phrase
        "hiring": _alternation([r"\b(?:" + "|".join(rf"(?:{p})\b" for p in sen["hiring_phrases"])
                                + ")"]),
        # _WORD_START can match one way only at a position (its branches exclude each other), so
        # trying it once before the alternatives finds what trying it before each one finds
        "employment": [(kind, _alternation([f"{_WORD_START}(?:{_alternation(emp[kind]).pattern})"],
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


_TITLE_WORD: Final = (r"\b(?:head\s+of|director|vp|vice\s+president|chief|cto"
                      r"|engineering\s+manager|(?:tech|team|ux|design|qa|data|dev"
                      r"|product|technical)\s+lead)\b")
# one is in every title word: the lines without one are not tried (speed only)
_TITLE_HINTS: Final = ("head", "director", "vp", "vice", "chief", "cto", "manager", "lead")
# a word starts after a non-letter, or where LinkedIn ran two lines together ("fieldBachelor")
_WORD_START: Final = (r"(?:(?<![\w-])|(?<=[^\w\s]-)|(?<=^-)|(?<=\s-)"
                      r"|(?<=(?-i:[a-z]))-?(?=(?-i:[A-Z]))|(?<=(?-i:[A-Z]{2}))(?=(?-i:[A-Z][a-z])))")
_RUN_TOGETHER: Final = re.compile(r"(?<=[a-z.])(?=[A-Z][a-z])")
# a sentence ends at ".", "!", "?" or ";" before a space or a capital, or at a line break:
# r"[.!?;](?=\s|[A-Z])|\n", written to open with one class of characters, which lets re
# skip to the next of them (the same matches: tests/test_requirements_speed.py)
_SENTENCE_END: Final = re.compile(r"[.!?;\n](?:(?<=\n)|(?=\s|[A-Z]))")
_URL: Final = re.compile(r"https?://\S+|www\.\S+")
_URL_START: Final = re.compile(r"https?://|www\.")
_OR_MORE: Final = re.compile(r"^\s*(?:or\s+(?:more|longer|above)|and\s+(?:up|above)|plus)\b",
                             re.IGNORECASE)
# the head of a list item "Sr. Product Manager, Search - There's a huge opportunity ..."
_ITEM_HEAD: Final = re.compile(r"\s+[-–—]\s+|:\s")
# a longer head is a sentence ("For example, as Jane Doe, chief ..., put it")
_ITEM_HEAD_WORDS: Final = 8
_A_YEAR_OF: Final = re.compile(r"\s*(?:\+\s*)?(?:of|in|with)\b|\s*(?:\+\s*)?(?:experience|exp)\b",
                               re.IGNORECASE)
_A_YEAR_AFTER: Final = gated(re.compile(
    r"\b(?:least|than|about|over|around|minimum|min\.?|for|with|have|has"
    r"|need|needs|require[sd]?|requires?)\s+$", re.IGNORECASE))
_PIPES: Final = re.compile(r"\s+\|\s+")
# the items of a list of roles: "Backend, Web or Android Engineer | VISA, REMOTE, INTERNS"
_ROLE_ITEMS: Final = re.compile(r"\s*[|,;]\s*|\s+(?:or|and|&)\s+|\s+/\s+")


def _clause_before(text: str, start: int, limit: int = 100) -> str:
    """The text before start, back to the start of its sentence or line (at most limit)."""
    window = text[start - limit if start > limit else 0:start]  # not max(): a generic call
    ends = list(_SENTENCE_END.finditer(window))
    return window[ends[-1].end():] if ends else window


def _clause_after(text: str, end: int, limit: int = 200) -> str:
    """The text after end, up to the end of its line (at most limit)."""
    window = text[end:end + limit].split("\n", 1)[0]
    joined = _RUN_TOGETHER.search(window, 1)
    return window[:joined.start()] if joined else window


def lines_with_by_search(text: str, hints: tuple[str, ...],
                         pattern: re.Pattern | None = None) -> str:
    """_lines_with without the pre-filters: each line lowered and tried hint by hint (the
    reference the fast path is tested against, tests/test_requirements_speed.py)."""
    return "\n".join(line for line in text.split("\n")
                     if any(h in line.lower() for h in hints)
                     or (pattern is not None and pattern.search(line)))


@lru_cache(maxsize=4)  # the four extractors (and the years sections) read the same text
def casefolded(text: str) -> str:
    """salary.folded(text), once for a posting's text: the role rules read it, an ASCII text's
    lower case is it, and the remote and pay pre-filters cut theirs from it
    (normalize.folded_part)."""
    return salary.folded(text)


@lru_cache(maxsize=4)
def _lowered(text: str) -> str:
    # an ASCII text folds to its lower case: the folding the role rules read serves
    return casefolded(text) if text.isascii() else text.lower()


def _folded(text: str) -> str | None:
    """The text case-folded as IGNORECASE compares it, or None when folding changes its length
    (then a literal pre-filter cannot stand for an IGNORECASE pattern)."""
    folded = casefolded(text)
    return folded if len(folded) == len(text) else None


@cache
def _automaton(words: tuple[str, ...]) -> tuple[ahocorasick_rs.BytesAhoCorasick,
                                                ahocorasick_rs.AhoCorasick]:
    """Aho-Corasick DFAs of literal words (none holding a line break): over bytes (the UTF-8
    of any text for the line scans, an ASCII text's for the starts), over characters (the
    starts in any other text)."""
    if not words or any("\n" in w or not w for w in words):
        raise ValueError(f"hint words must be non-empty and hold no line break: {words}")
    dfa = ahocorasick_rs.Implementation.DFA
    return (ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w in words],
                                            implementation=dfa),
            ahocorasick_rs.AhoCorasick(list(words), implementation=dfa))


def _hits(text: str, words: tuple[str, ...], overlapping: bool) -> list[tuple[int, int, int]]:
    """(word index, start, end) of the literal words in text, in character offsets: every
    occurrence, or (overlapping False) one scan's, which skips those overlapping a match."""
    in_bytes, in_chars = _automaton(words)
    if text.isascii():  # byte offsets are character offsets
        return in_bytes.find_matches_as_indexes(text.encode("ascii"), overlapping=overlapping)
    return in_chars.find_matches_as_indexes(text, overlapping=overlapping)


def _starts(text: str, words: tuple[str, ...]) -> list[int]:
    """Offsets where one of the literal words starts in text (every occurrence, overlapping
    ones too), in order, each once."""
    return sorted({start for _, start, _ in _hits(text, words, overlapping=True)})


@lru_cache(maxsize=8)  # a posting's text, lowered and folded, and its sections
def _utf8(text: str) -> bytes:
    """The text's UTF-8 bytes (a lone surrogate as its three bytes), for the literal scans."""
    return text.encode("utf-8", "surrogatepass")


def _lines_holding(text: str, words: tuple[str, ...]) -> set[int]:
    """Numbers of the lines (text.split("\n")) holding one of the literal words.

    One scan that does not report overlapping matches is enough, and reports fewer: no word
    holds a line break, so every match lies in one line; and a scan resumed at or before a
    word reports a match that ends no later than the word does, which lies in the word's line
    or in an earlier one (the scan then resumes before the word again), so no line holding a
    word goes without a match (tests/test_requirements_speed.py).

    The scan reads the text's UTF-8 bytes, whatever its characters (over characters it cost
    about twice as much): a word's bytes occur in them exactly where the word occurs in the
    text (a character's first byte is never another's continuation), and a line break is one
    byte, so counting line breaks in the bytes numbers the lines as in the text."""
    found: set[int] = set()
    number, counted = 0, 0
    data = _utf8(text)
    for _, start, _ in _automaton(words)[0].find_matches_as_indexes(data, overlapping=False):
        number += data.count(b"\n", counted, start)  # in order of start
        counted = start
        found.add(number)
    return found


# What makes a pattern's matches depend on where its text is cut into lines (anchors,
# lookarounds): such a pattern is searched line by line, never over the whole text first.
_LINE_SENSITIVE: Final = re.compile(r"\^|\$|\\[AZ]|\(\?<?[=!]")


def _matching_lines(text: str, pattern: re.Pattern) -> set[int] | None:
    """Numbers of the lines (text.split("\n")) where a whole-text scan of pattern finds a match;
    None when the pattern or one of its matches depends on line breaks (then every line is to be
    searched on its own). A match inside one line is always found by the whole-text scan."""
    if _LINE_SENSITIVE.search(pattern.pattern):
        return None
    found: set[int] = set()
    number, counted = 0, 0
    for m in pattern.finditer(text):
        start = m.start()
        if "\n" in m[0]:
            return None
        number += text.count("\n", counted, start)
        counted = start
        found.add(number)
    return found


def _lines_with(text: str, hints: tuple[str, ...], pattern: re.Pattern | None = None,
                pattern_hints: tuple[str, ...] = ()) -> str:
    """The lines of text holding one of the lower-cased hints (or matching pattern), in order.

    The same lines as lines_with_by_search, found with one scan of the lowered text for all hints;
    pattern is searched only in the lines holding one of ``pattern_hints`` (literals, case kept,
    one of which is in every match of pattern), else over the whole text once."""
    chosen = _lines_holding(_lowered(text), hints)
    if pattern is not None:
        extra = (_lines_holding(text, pattern_hints) if pattern_hints
                 else _matching_lines(text, pattern))
        if extra is None:
            return lines_with_by_search(text, hints, pattern)
        extra -= chosen
        if extra:
            lines = text.split("\n")
            chosen |= {i for i in extra if pattern.search(lines[i])}
    if not chosen:
        return ""
    lines = text.split("\n")
    return "\n".join(lines[i] for i in sorted(chosen))


# --- degree ---------------------------------------------------------------------------------

def degree_asked(text: str) -> tuple[str, bool]:
    """(lowest degree asked for, whether equivalent experience is accepted instead)."""
    rules = _rules()
    levels: list[str] = []
    equivalent = False
    full_text = text
    text = _lines_with(text, rules["degree_hints"], rules["degree_hints_cs"],
                       rules["degree_hints_cs_literals"])
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
    return _with_summary(*_figure_kinds(text), summary)


def _with_summary(general: list[int], skill: list[int], fields: list[int],
                  summary: bool = True) -> tuple[list[int], list[int]]:
    """(general, per-skill) figures, the summary fields standing in as general figures when
    summary is true and the text gives no other figure."""
    if summary and not general and not skill:
        return fields, skill
    return general, skill


def _figure_kinds(text: str) -> tuple[list[int], list[int], list[int]]:
    """Minimum years of each experience figure in text: (general figures, per-skill figures,
    job-board summary fields such as "Experience level: 4 years")."""
    rules = _rules()
    numbers = rules["numbers"]
    general: list[int] = []
    skill: list[int] = []
    fields: list[int] = []  # "Experience level: 4 years": only when the text gives no figure
    taken: set[int] = set()
    lower = text.lower()  # a word each match holds: "exp", "yoe", "year"
    # a match of the first starts with "exp" or a hyphen before it ("field-Experience":
    # _WORD_START), of the last with "year": tried only there (opening None: everywhere)
    for pattern, needs, opening in ((rules["years_after_experience"], "exp", "-"),
                                    (rules["yoe"], "yoe", None),
                                    (rules["years_for_role"], "year", "")):
        if needs not in lower:
            continue
        for m in (pattern.finditer(text) if opening is None
                  else _matches_where_words_start(pattern, text, (needs,), opening)):
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
    return general, skill, fields


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
    if not lines:
        return None
    general, skill, fields = _figure_kinds(lines)
    whole = _years_of(*_with_summary(general, skill, fields))
    stated = len(general) + len(skill) > 0  # figures besides a summary field
    if (len(general) + len(skill) if stated else len(fields)) < 2:
        return whole  # one figure at most: no roles to tell apart
    sections = [v for v in (_years_in(part, summary=not stated) for part in _role_sections(text))
                if v is not None]
    if len(sections) > 1:  # several roles with their own figures: the lowest the posting accepts
        return min(sections)
    return whole


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
    return _years_of(*_figures(text, summary))


def _years_of(general: list[int], skill: list[int]) -> int | None:
    """The lowest general figure, else the highest per-skill one, else None."""
    if general:
        return min(general)
    if skill:
        return max(skill)
    return None


# --- seniority ------------------------------------------------------------------------------

_IF_YOU: Final = re.compile(r"\bif\s+you\b", re.I)


@lru_cache(maxsize=4)  # seniority, years and employment each read a posting's roles
def _role_contexts(text: str) -> tuple[tuple[int, str, bool], ...]:
    """(offset, snippet, needs a role noun) for the places a posting names its roles: the first
    line, short lines naming a role, and the clause after "hiring", "looking for", ..."""
    rules = _rules()
    contexts: list[tuple[int, str, bool]] = []
    lines = text.split("\n")
    candidates = _role_line_candidates(text)
    offset, at = 0, 0  # where line number `at` starts
    for number in range(len(lines)) if candidates is None else sorted(candidates | {0}):
        while at < number:  # the lengths of the lines before, not of every line
            offset += len(lines[at]) + 1
            at += 1
        line = lines[number]
        if "http" in line or "www." in line:  # what every web address holds (speed only)
            line = _URL.sub("", line)
        bare = line.strip(" \t-*•>#=|:")
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
                if part and rules["role_or_title"].search(part) and not _signature(part):
                    contexts.append((offset, part, False))
    for m in _hiring_matches(text):
        if _IF_YOU.search(_clause_before(text, m.start(), 60)):
            continue  # "if you are looking for an internship, apply to ...": another posting
        clause = text[m.end():m.end() + 150]
        stop = _SENTENCE_END.search(clause)
        contexts.append((m.end(), clause[:stop.start()] if stop else clause, True))
    return tuple(sorted(contexts, key=lambda c: c[0]))


def _signature(part: str) -> bool:
    """Whether a part of a line is someone's signature or self-introduction, not a role: it
    opens as one (not_role_line_start, tried at its start), or says one anywhere
    (not_role_line, searched only when the part holds one of its hint words, in the lower case
    the lowered pattern reads: every match holds one)."""
    rules = _rules()
    opening, anywhere = rules["not_role_line_start"], rules["not_role_line"]
    if lowers_safely(part):
        lowered = part.lower()
        return opening.lowered.match(lowered) is not None or (
            any(hint in lowered for hint in rules["not_role_line_hints"])
            and anywhere.lowered.search(lowered) is not None)
    return opening.any_text.match(part) is not None or anywhere.any_text.search(part) is not None


def _role_line_candidates(text: str) -> set[int] | None:
    """The lines that may name a role, by one literal scan of the whole text: a role noun or
    title word holds one of the role hints; a line with a web address is always tried (removing
    the address joins words). None: every line is to be tried.

    A part of a line (a "|" item, a list-item head) is cut at spaces or punctuation, so a role
    noun in the part is a role noun in the line, and its line holds a hint."""
    folded = _folded(text)
    if folded is None:
        return None
    found = _lines_holding(folded, _rules()["role_hints"])
    if "http" in text or "www." in text:
        found |= _lines_holding(text, ("http://", "https://", "www."))
    return found


def _hiring_matches(text: str) -> list[re.Match]:
    """The matches of the hiring phrases in text, as finditer gives them."""
    rules = _rules()
    return _matches_where_words_start(rules["hiring"], text, rules["hiring_starts"])


def _matches_where_words_start(pattern: re.Pattern, text: str, words: tuple[str, ...],
                               opening: str = "") -> list[re.Match]:
    """The matches of pattern (IGNORECASE) in text as finditer gives them, for a pattern each of
    whose matches starts with one of the words, or with the character ``opening`` right before
    one: tried only at those offsets (the words found by one scan of the folded text), or
    everywhere when folding changes the text's length. Each match finditer finds starts at such
    an offset, at or after the last match's end, and no match starts at an offset tried before
    it, so trying those offsets in order finds it."""
    folded = _folded(text)
    if folded is None:
        return list(pattern.finditer(text))
    starts = _starts(folded, words)
    if opening:
        starts = sorted({*starts, *(s - 1 for s in starts if s and text[s - 1] == opening)})
    found: list[re.Match] = []
    end = 0
    for start in starts:
        if start >= end and (m := pattern.match(text, start)):
            found.append(m)
            end = m.end()
    return found


def _levels_hinted(folded: str) -> set[str]:
    """The levels one of whose hint words is in the folded snippet, by one scan of every
    level's hints (every occurrence, overlapping ones too: a hint inside another is found)."""
    rules = _rules()
    of = rules["level_of_hint"]
    return {of[word] for word, _, _ in _hits(folded, rules["level_hint_words"], overlapping=True)}


def _level_in(snippet: str, needs_noun: bool) -> str | None:
    """The level of the first level word in snippet that qualifies a role."""
    rules = _rules()
    found: list[tuple[int, str]] = []
    folded = salary.folded(snippet)
    # when folding changed the length, the hints cannot stand for the patterns: try every level
    hinted = _levels_hinted(folded) if len(folded) == len(snippet) else None
    for level, pattern in rules["level"]:
        if hinted is not None and level not in hinted:
            continue  # none of the level's words can be in the snippet
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
    text = _lines_with(text, rules["all_employment_hints"])
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
