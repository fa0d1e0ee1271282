"""Technology mentions in job postings: taxonomy as data, leftmost-longest pass, context rules.

The policy the tagger follows is docs/tagging_policy.md; docs/tagger.md explains the design.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate
from pathlib import Path
from typing import Any, Final, NamedTuple, TextIO

import ahocorasick
import ahocorasick_rs

from etl.jsonl import answer_jsonl
from etl.paths import ETL_DATA
from etl.text import ASCII_BYTES, html_text, non_ascii, plain_text
from etl.transforms import C_PASSES
from etl.transforms.caseless import Caseless
from etl.transforms.gate import NoGate, gated

TAXONOMY_PATH: Final = ETL_DATA / "taxonomy.toml"
CATEGORIES: Final = ("language", "database", "cloud", "cloud_service", "web_server", "framework",
                     "container", "ci_cd", "api_style", "messaging", "iac", "vcs", "methodology",
                     "runtime", "orm", "library", "data", "markup", "platform", "database_concept")
JUDGED_CATEGORIES: Final = ("language", "database", "cloud")
TIERS: Final = ("low", "medium", "high")
WINDOW: Final = 40  # characters of context looked at on each side of a mention


@dataclass(frozen=True)
class Technology:
    id: str
    name: str
    category: str
    parent: str | None = None


class Mention(NamedTuple):
    """One mention (a named tuple: a posting has dozens, and a frozen dataclass takes three times
    as long to make)."""

    technology: Technology
    start: int      # char offset into Tagger.normalise(text); -1 for implied technologies
    end: int
    surface: str    # the words as written ("" when implied)
    rule: str       # why it matched, human-readable


# Mention(...) runs the named tuple's __new__, a Python function (about 2,600 instructions a
# call from compiled code); the tuple made directly is the same Mention without it (the tagger
# makes about nine a posting)
_NEW_TUPLE: Final[Any] = tuple.__new__


def _mention(tech: Technology, start: int, end: int, surface: str, rule: str) -> Mention:
    """Mention(tech, start, end, surface, rule)."""
    made: Mention = _NEW_TUPLE(Mention, (tech, start, end, surface, rule))
    return made


@dataclass
class Entry:
    """One taxonomy entry: the technology, its alias forms and its compiled context rules."""

    tech: Technology
    tier: str
    forms: list[tuple[str, str]]            # (form as written, kind: any | cased | ambiguous)
    implies: tuple[str, ...]
    implies_by_alias: dict[str, tuple[str, ...]]
    needs: str | None
    needs_only: bool
    cue_before: tuple[Caseless | re.Pattern, ...]  # _window_pattern
    cue_after: tuple[Caseless | re.Pattern, ...]
    veto_before: Caseless | re.Pattern | None
    veto_after: Caseless | re.Pattern | None
    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @cached_property
    def risky(self) -> bool:
        """Whether the entry has forms matched only as written (cased or ambiguous)."""
        return any(kind != "any" for _form, kind in self.forms)


class _Candidate:
    """An alias hit while it is judged: its span, entry, form and kind; status and rule once
    decided. A plain class, not a dataclass: mypyc makes its constructor native, where the
    __init__ a dataclass generates runs as Python (about 2,500 instructions a candidate, some
    twelve candidates a posting)."""

    start: int
    end: int
    entry: Entry
    form: str
    kind: str
    status: bool | None
    rule: str

    def __init__(self, start: int, end: int, entry: Entry, form: str, kind: str) -> None:
        self.start, self.end, self.entry, self.form, self.kind = start, end, entry, form, kind
        self.status = None
        self.rule = ""


# ------------------------------------------------------------------ text and search keys

# a dot stays inside a name (Node.js, ASP.NET) but separates sentences and glued lines
# ("AWS.Experience", "scripting.1+ years"), as in LinkedIn descriptions that lost their breaks
_DOT_GLUED: Final = re.compile(r"\.(?<=[A-Za-z]{2}\.)(?=[A-Z][a-z]{2,}|\d)(?!Net\b|Js\b|Io\b)")
_DOT_NOT_IN_WORD: Final = re.compile(r"\.(?!\w)")
# both in one pass over the text: a character is a word character (\w) exactly when its image
# in the search key is (checked over every code point), so "not before \w" reads the same
_DOTS: Final = re.compile(
    r"\.(?:(?<=[A-Za-z]{2}\.)(?=[A-Z][a-z]{2,}|\d)(?!Net\b|Js\b|Io\b)|(?!\w))")
# "+" ends a name (C++, kdb+) unless a word follows it at once: "Ruby+Javascript" is two names
# (one "+" first, then the two conditions: a pattern that opened with a lookbehind would be
# tried at every character of the text)
_PLUS_NOT_SUFFIX: Final = re.compile(r"\+(?:(?<![\w+]\+)|(?<=\w\+)(?=[A-Za-z]))")
_HASH_NOT_SUFFIX: Final = re.compile(r"#(?<!\w#)")
# typographic punctuation as its ASCII twin ("let’s go" reads like "let's go"); invisible
# characters dropped
_PUNCTUATION: Final = (
    ("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"),
    ("\u2014", "-"), ("\u2022", "*"), ("\u00b7", "*"), ("\u2010", "-"), ("\u2011", "-"),
    ("\u2212", "-"), ("\u200b", ""), ("\u200c", ""), ("\u200d", ""), ("\u2060", ""),
    ("\ufeff", ""), ("\u00ad", ""),
)


# the replacements of one character by one: typographic punctuation
_ONE_FOR_ONE: Final = tuple((fancy, plain) for fancy, plain in _PUNCTUATION if len(plain) == 1)


def normalise(text: str) -> str:
    """Plain text of a posting: HTML tags and entities decoded, Unicode NFKC, spaces collapsed
    (etl.text.html_text), typographic punctuation as ASCII and invisible characters dropped."""
    if not text.isascii():
        # typographic punctuation first, so that a text whose only other characters it was is
        # ASCII for the passes below (one byte a character, where it was two or four). Here or
        # at the end it gives the same text: these characters are no space, are in no tag or
        # entity, and compose with no mark; those that decoding or NFKC makes are replaced at
        # the end as before.
        for fancy, plain in _ONE_FOR_ONE:
            if fancy in text:
                text = text.replace(fancy, plain)
    if "<" in text or "&" in text:
        text, others = html_text(text)
    else:
        text, others = plain_text(text)
    if others:  # only the characters present are replaced: one pass each
        for fancy, plain in _PUNCTUATION:
            if fancy in others:
                text = text.replace(fancy, plain)
    _last_normalised[0] = (text, others)
    return text


# the text normalise returned last and its non-ASCII characters (with perhaps a few it no longer
# has): the tagger's search key and shape passes read them instead of finding them again
_last_normalised: list[tuple[str, str]] = [("", "")]


def _non_ascii_of(text: str) -> str:
    """non_ascii(text), or what normalise found when text is the string it returned last."""
    last = _last_normalised[0]
    return last[1] if last[0] is text else non_ascii(text)


class _KeyTable(dict):
    """str.translate table: lower case, one character for one; separators become spaces."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        lower = char.lower()
        if char in "+#." or char == "_" or char.isalnum():
            value = ord(lower) if len(lower) == 1 else code
        else:
            value = 32
        self[code] = value
        return value


_KEY_TABLE: Final = _KeyTable()


class _ShapeTable(dict):
    """str.translate table for the shape of a text: a lower, A upper (+ and # count as lower,
    so "C++Previous" shows a case change), 0 digit, space anything else."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char in "+#" or char.islower():
            value = ord("a")
        elif char.isupper():
            value = ord("A")
        else:
            value = ord("0") if char.isalnum() or char == "_" else 32
        self[code] = value
        return value


_SHAPE_TABLE: Final = _ShapeTable()
_ASCII_KEY: Final = bytes(_KEY_TABLE[i] for i in range(128)) + bytes(range(128, 256))
# bytes tables for the ASCII characters; bytes of longer UTF-8 sequences stay as they are
_ASCII_SHAPE: Final = bytes(_SHAPE_TABLE[i] for i in range(128)) + bytes(range(128, 256))
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]+")


_MAX_REPLACED: Final = 32  # so the time stays linear in the text


def _translated(text: str, ascii_table: bytes, table: dict, others: str | None = None) -> str:
    """text.translate(table), faster: str.translate looks up every character in the dict, so
    ASCII characters go through the bytes table, and each other character that occurs is
    looked up once and replaced everywhere (each table maps one character to one, so
    offsets stay). Past _MAX_REPLACED changed characters (a replacement is a pass over the
    text) or when one's image is another's source, one pass over the runs of them instead.
    others: the non-ASCII characters of text when known (more do no harm)."""
    if text.isascii():
        return text.encode("ascii").translate(ascii_table).decode("ascii")
    data = text.encode("utf-8", "surrogatepass")
    mixed = data.translate(ascii_table).decode("utf-8", "surrogatepass")
    if others is None:
        others = data.translate(None, ASCII_BYTES).decode("utf-8", "surrogatepass")
    changed = {}
    for char in set(others):
        image = chr(table[ord(char)])
        if image != char:
            changed[char] = image
    if len(changed) > _MAX_REPLACED or not changed.keys().isdisjoint(changed.values()):
        return _NON_ASCII.sub(lambda run: run.group().translate(table), mixed)
    for char, image in changed.items():
        mixed = mixed.replace(char, image)
    return mixed


def search_key(text: str) -> str:
    """Searchable form: lower case, separators as spaces; + # . kept inside names (C++, .NET).
    It has the length of text, so offsets carry over."""
    if C_PASSES is not None:  # the same passes in C (etl.compile)
        key: str = C_PASSES.search_key(text, _ASCII_KEY, _KEY_TABLE)
        return key
    # each substitution only where its character is (a test for one character is much faster
    # than a regex scan)
    others = _non_ascii_of(text)  # the dots pass changes only ASCII characters
    if "." in text:
        text = _DOTS.sub(" ", text)
    key = _translated(text, _ASCII_KEY, _KEY_TABLE, others)
    if "+" in key:
        key = _PLUS_NOT_SUFFIX.sub(" ", key)
    return _HASH_NOT_SUFFIX.sub(" ", key) if "#" in key else key


@cache
def _case_changes() -> ahocorasick_rs.BytesAhoCorasick:
    """Finds the lower-then-upper pairs ("aA") of a shape, every one."""
    return ahocorasick_rs.BytesAhoCorasick([b"aA"])


def _cuts(shape: str, start: int, end: int) -> Iterator[int]:
    """Offsets of the lower-then-upper pairs in shape[start:end]."""
    cut = shape.find("aA", start, end)
    while cut >= 0:
        yield cut
        cut = shape.find("aA", cut + 1, end)


# ------------------------------------------------------------------ context rules

class _Gap:
    """What may stand between two mentions of one list (``pattern``, matched whole), with the
    answers given so far: the same few gaps (", ", " and ", "/") recur in every posting, and a
    dictionary answers them in about an eighth of the time of a match (GAPS_KEPT at most)."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        self.answers: dict[str, bool] = {}

    def fits(self, between: str) -> bool:
        """Whether ``between`` is all separators and list words."""
        known = self.answers.get(between)
        if known is not None:
            return known
        if len(self.answers) >= GAPS_KEPT:
            self.answers.clear()
        fits = self.pattern.fullmatch(between) is not None
        self.answers[between] = fits
        return fits


GAPS_KEPT: Final = 4096
_LIST_GAP: Final = _Gap(re.compile(
    r"(?:[\s,;/&|+()\[\]:·•*\-–—]|\b(?:and|or|und|oder|et|ou|y|nor|plus|with|as well as|but also|"
    r"e\.g\.|i\.e\.|etc\.?|incl\.|including|vs\.?|versus|some|also|"
    r"a\s+(?:little|bit|touch)(?:\s+bit)?(?:\s+of)?)\b)*", re.IGNORECASE))
_NEG_LIST_GAP: Final = _Gap(re.compile(r"(?:[\s,;/&|()]|\b(?:and|or|nor|und|oder|et|ou|ni)\b)*",
                                       re.IGNORECASE))
_NEGATION: Final = Caseless(
    r"(?:^|[^\w])(?:no(?:\s+(?:more|legacy|longer\s+using))?|not(?:\s+(?:an?|the|using|use|in))?|"
    r"never|without|nor|neither|avoid(?:ing)?|(?:do|does|did)\s*n[o']t\s+(?:use|want)|"
    r"don['’]t\s+(?:use|want)|won['’]t\s+use|kein(?:e|en|er)?|ohne|nicht|"
    r"pas\s+de|pas\s+d['’]|sans|aucun(?:e)?|ni)\s*[-:]?\s*$")
_NEGATION_EXCEPTION: Final = Caseless(
    r"\s*(?:\w+\s+){0,2}?(?:experience|knowledge|background|expertise)?\s*(?:is\s+|are\s+)?"
    r"(?:required|necessary|needed|expected|a must)")
_COMPARISON_BEFORE: Final = Caseless(
    r"(?:\b(?:similar to|akin to|alternatives? to|competitors? (?:to|of|like|include|including|"
    r"such as)|compared (?:to|with)|comparable to|inspired by|instead of|rather than|"
    r"replacement for|à la|a la|former(?:ly)?(?: at)?|partner(?:ed|s|ing)?(?: with| of| include| "
    r"including| like| such as)?|in partnership with|investors?(?: include| including| "
    r"like| such as)?|invested in by|funded by|customers?(?: include| including| like| such as)|"
    r"clients?(?: include| including| like| such as)|trusted by|acquired by|sponsored by|"
    r"spun out of|alumni of|worked at|working at|work at|companies like|companies such as|"
    r"(?:co-?)?founders? of|founding team of|creators? of|veterans? of|early employees (?:of|at))|"
    r"\bex-|\(\s*think|(?:^|\s)@|\blike\s+an?\s+(?:[\w-]+\s+){0,2})\s*[:,]?\s*$")
# "like X" usually gives examples ("languages like Go"); it is a comparison when it opens the
# sentence, follows "is/looks/works", or the list goes on with "but" ("like Elasticsearch, but")
_LIKE_BEFORE: Final = re.compile(r"(?:(^|[.!?\n])|([\w']+))[\s(,:]*\blike\s*$", re.IGNORECASE)
_LIKE_COMPARES: Final = frozenset("""
    is are was were it's 's 're feels feel looks look works work acts
    act just much exactly kinda sorta""".split())
_BUT_AFTER: Final = re.compile(r"[^.\n;]{0,40}?\bbut\b", re.IGNORECASE)
_LIKE_OK: Final = frozenset("""
    languages language databases database dbs db tools tool technologies tech
    technology frameworks framework stacks stack something things platforms platform providers
    provider clouds cloud services service stores store systems engines solutions environments
    tooling skills libraries apis queues brokers warehouses infrastructure orchestration
    orchestrators containers runtimes ecosystems servers datastores backends backend frontends
    would d we you i they really also especially particularly cicd pipelines iac messaging
    search""".split())
# words right before a mention that may end a negation, comparison or partner phrase: the
# regexes run only when one is there (speed); a weak word counts after a strong one ("not a")
_STRONG_WORDS: Final = frozenset("""
    no not never without nor neither avoid avoiding kein keine keinen
    keiner ohne nicht sans aucun aucune ni like include includes including than think partner
    partners partnered partnering investor investors customer customers client clients formerly
    former such""".split())
_WEAK_WORDS: Final = frozenset("""
    a an the in with to of as at by from use using more legacy de d' la
    want""".split())
_BEFORE_WEAK: Final = frozenset("""not no don't dont doesn't didn't won't pas similar alternative
    alternatives compared comparable competitor competitors akin partnered partnership partnering
    inspired trusted acquired sponsored funded invested backed alumni rather worked working work
    à a spun out instead replacement never such founder founders cofounders co-founders creator
    creators veteran veterans employees""".split())
_COMPARISON_AFTER: Final = re.compile(
    r"(?:-(?:style|like|esque|inspired|alike|compatible|killer|clone|lookalike)\b|"
    r"\s+(?:clones?|alternatives?|killers?|competitors?|replacements?|lookalikes?)\b|"
    r"\s*,?\s+but (?:for|in)\b|(?:\s+(?:advanced|premier|select|gold|silver|platinum|certified|"
    r"consulting|technology|solutions?|services|competency|registered))*\s+partners?\b|"
    r"(?:'s)?\s+(?:ceo|cto|cfo|coo|cpo|co-?founders?|founders?|vp|alumni|alum)\b)",
    re.IGNORECASE)
# What an ASCII window after a mention opens with, past its white space, when _COMPARISON_AFTER
# matches it and it starts with a space (lower case: a word of each alternative that may come
# first; "," of "X, but for"): a window opening with none of them is not matched (speed only).
_AFTER_OPENERS: Final = (
    ",", "but", "clone", "alternative", "killer", "competitor", "replacement", "lookalike",
    "advanced", "premier", "select", "gold", "silver", "platinum", "certified", "consulting",
    "technology", "solution", "services", "competency", "registered", "partner", "ceo", "cto",
    "cfo", "coo", "cpo", "co-founder", "cofounder", "founder", "vp", "alum",
)
_OPENER_CHARS: Final = max(map(len, _AFTER_OPENERS))


def _compared_after(after: str) -> bool:
    """Whether the window after a mention makes it a comparison or a partner (_COMPARISON_AFTER:
    "Heroku-style", "Stripe alternatives", "AWS Advanced Partner", "Google's CEO")."""
    first = after[:1]
    if first not in ("-", " ", ",", "'"):
        return False
    if first == " " and after.isascii() \
            and not after.lstrip()[:_OPENER_CHARS].lower().startswith(_AFTER_OPENERS):
        return False
    return _COMPARISON_AFTER.match(after) is not None


# gated (etl/transforms/gate.py): searched in the text before a mention
_BACKED_BY: Final = gated(re.compile(r"\bbacked by\s*$", re.IGNORECASE))
# a sentence that names customers, investors or partners and then lists names up to the mention
_PARTNER_INTRO: Final = gated(re.compile(
    r"\b(?:customers|clients|investors|partners|backers|trusted by|used by|funded by|"
    r"loved by|users include|powers|powering|companies|teams at|engineers at|brands|"
    r"organi[sz]ations|enterprises|institutions|"
    r"(?:operators|engineers|veterans|alumni|folks|people|founders) (?:from|of))\b"
    r"(?:\s*,?\s*(?:include|including|such as|like|are|among them|among others|e\.g\.|"
    r"for example|for instance)\b)?"
    r"\s*[:,]?", re.IGNORECASE))
_PARTNER_HINTS: Final = (
    "customer", "client", "investor", "partner", "backer", "trusted by", "used by", "funded by",
    "loved by", "users include", "power", "companies", "teams at", "engineers at",
    "operators from", "engineers from", "veterans from", "alumni from", "folks from",
    "people from", "founders from", "veterans of", "alumni of", "founders of", "organi", "brands",
    "enterprises", "institutions",
)
# a word of every alternative of _PARTNER_INTRO: in ASCII text, where ignoring case is lower
# case, a sentence without any of them has no introduction
_PARTNER_STEMS: Final = ("customers", "clients", "investors", "partners", "backers", "trusted by",
                         "used by", "funded by", "loved by", "users include", "power", "companies",
                         "teams at", "engineers", "brands", "organi", "enterprises", "institutions",
                         "operators", "veterans", "alumni", "folks", "people", "founders")
_LIST_SPLIT: Final = re.compile(r",|\band\b|&|\(|\)")
_NAME: Final = re.compile(r"(?:[A-Z0-9][\w.'+-]*\s*){1,4}")


# a pattern's flags set at its start ("(?i)", "(?is)")
_LEADING_FLAGS: Final = re.compile(r"\(\?[aimsux]+\)")


@cache  # a category's cues stand in each of its entries: made once a source
def _window_pattern(source: str) -> Caseless | re.Pattern:
    """A context rule's pattern (the taxonomy's cues and vetoes, matched in the windows around a
    mention). One that ignores case throughout ("(?i)" at its start, and its rest can be
    lowered) is a Caseless: over an ASCII window it runs lowered, without IGNORECASE, in about
    half the time. Any other is compiled as written."""
    compiled = re.compile(source)  # its flags: those set at its start, as re reads them
    leading = _LEADING_FLAGS.match(source)
    if leading and compiled.flags & re.IGNORECASE:
        try:
            return Caseless(source[leading.end():], compiled.flags)
        except ValueError:  # a part that sets case sensitivity again, a capital's escape, ...
            pass
    return compiled


@cache
def _searched_window_pattern(source: str) -> Caseless | re.Pattern:
    """_window_pattern of a rule searched in the window before a mention, gated where it can be
    (etl/transforms/gate.py: tried only where a match can start). A rule after a mention is
    matched at the window's start, where a gate gains nothing."""
    pattern = _window_pattern(source)
    try:
        if isinstance(pattern, Caseless):
            return Caseless(pattern.pattern, pattern.any_text.flags, gate=True)
        return gated(pattern)
    except NoGate:  # no one class of first characters
        return pattern


def _window_before(text: str, start: int) -> str:
    # not max(0, ...): compiled, the builtin is a generic call (about 800 instructions)
    return text[start - WINDOW if start > WINDOW else 0:start]


def _window_after(text: str, end: int) -> str:
    return text[end:end + WINDOW]


def _vetoed(text: str, cand: _Candidate) -> bool:
    """The entry's own veto patterns ("Series C", "Rust Belt", "go-to-market"); in an entry with
    cased or ambiguous forms they guard only those, never the safe aliases ("Node.js")."""
    entry = cand.entry
    if cand.kind == "any" and entry.risky:
        return False
    if entry.veto_before and entry.veto_before.search(_window_before(text, cand.start)):
        return True
    return bool(entry.veto_after and entry.veto_after.match(_window_after(text, cand.end)))


def _cue(text: str, cand: _Candidate) -> str | None:
    """The cue pattern that supports an ambiguous mention ("written in Go", "Go developer")."""
    before, after = _window_before(text, cand.start), _window_after(text, cand.end)
    for pattern in cand.entry.cue_before:
        if pattern.search(before):
            return f"cue before '{before[-15:].strip()}'"
    for pattern in cand.entry.cue_after:
        if pattern.match(after):
            return f"cue after '{after[:15].strip()}'"
    return None


def _listed_with(text: str, left: _Candidate, right: _Candidate, gap: _Gap) -> bool:
    """Whether two mentions are in one list: only separators and list words between them."""
    return right.start - left.end <= 25 and gap.fits(text[left.end:right.start])


def _neighbour(text: str, cands: list[_Candidate], i: int) -> str | None:
    """An accepted technology listed right before or after candidate i."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(cands) and cands[j].status:
            left, right = (cands[j], cands[i]) if j < i else (cands[i], cands[j])
            if _listed_with(text, left, right, _LIST_GAP):
                return f"listed with {cands[j].entry.tech.name}"
    return None


def _list_heads(text: str, cands: list[_Candidate]) -> list[int]:
    """Start of the list each candidate belongs to ("no PHP or Java": the offset of PHP), in one
    pass over the candidates, so a list of 45,000 names costs 45,000 steps, not their square."""
    heads: list[int] = []
    for i, cand in enumerate(cands):
        if (i > 0 and cands[i - 1].status
                and _listed_with(text, cands[i - 1], cand, _NEG_LIST_GAP)):
            heads.append(heads[-1])
        else:
            heads.append(cand.start)
    return heads


def _like_is_comparison(before: str, after: str) -> bool:
    match = _LIKE_BEFORE.search(before)
    if not match:
        return False
    word = (match.group(2) or "").lower()
    if match.group(1) is not None or word in _LIKE_COMPARES:
        return True
    return word not in _LIKE_OK and bool(_BUT_AFTER.match(after))


def _may_exclude(before: str) -> bool:
    """Whether the words before a mention could make it negated, a comparison or a partner."""
    words = before.rstrip(" :,\n").lower().replace("(", " ").rsplit(None, 4)[-4:]
    if not words:
        return False
    last = words[-1]
    if last[-1] in "-@" or last in _STRONG_WORDS or "like" in words:
        return True
    return last in _WEAK_WORDS and len(words) > 1 and words[-2] in _BEFORE_WEAK


# the employer's own name ("Qdrant is hiring", "Pinecone (https://...) is building"): a company,
# not a technology it uses; only database and cloud names are also company names
_EMPLOYER_AFTER: Final = re.compile(
    r"\s*(?:\([^()\n]{0,60}\)\s*)?(?:(?:is|are)\s+(?:hiring|building|looking|seeking|"
    r"recruiting|growing the team|on a mission)\b|\|)", re.IGNORECASE)
_EMPLOYER_AT: Final = re.compile(r"(?:^|[.!?\n])\s*At\s+$")
_EMPLOYER_CATEGORIES: Final = frozenset({"database", "cloud", "cloud_service"})


def _named_as_employer(text: str, cand: _Candidate) -> bool:
    """Whether the mention is the employer: the first word of the posting ("X | Remote | ..."),
    a name followed by "is hiring"/"is building", or a sentence opening "At X"."""
    if cand.entry.tech.category not in _EMPLOYER_CATEGORIES:
        return False
    start = cand.start - 20 if cand.start > 20 else 0
    # "At", then white space to the mention: what every match of _EMPLOYER_AT ends with
    if text[start:cand.start].rstrip().endswith("At") \
            and _EMPLOYER_AT.search(text, start, cand.start):
        return True
    match = _EMPLOYER_AFTER.match(text, cand.end, cand.end + 100)
    return match is not None and (cand.start == 0 or not match.group().endswith("|"))


@cache
def _stem_search() -> ahocorasick_rs.BytesAhoCorasick:
    """A DFA of the partner stems (lower case ASCII), every occurrence found."""
    return ahocorasick_rs.BytesAhoCorasick([s.encode("ascii") for s in _PARTNER_STEMS],
                                           implementation=ahocorasick_rs.Implementation.DFA)


_ONE_SCAN_FROM: Final = 8  # accepted mentions from which partner_stem_spans is worth its scan


def partner_stem_spans(text: str) -> tuple[list[int], list[int]] | None:
    """(starts, ends) of every occurrence of a partner stem in an ASCII text, case ignored,
    ordered by start (one scan of the text for all its mentions); None for any other text."""
    if not text.isascii():
        return None
    spans = sorted((start, end) for _, start, end in _stem_search().find_matches_as_indexes(
        text.lower().encode("ascii"), overlapping=True))
    return [start for start, _ in spans], [end for _, end in spans]


def _holds_stem(spans: tuple[list[int], list[int]], first: int, stop: int) -> bool:
    """Whether a stem occurrence of spans lies within text[first:stop]."""
    starts, ends = spans
    i = bisect.bisect_left(starts, first)
    while i < len(starts) and starts[i] < stop:
        if ends[i] <= stop:
            return True
        i += 1
    return False


def _named_as_partner(text: str, start: int,
                      spans: tuple[list[int], list[int]] | None = None) -> bool:
    """Whether the mention ends a list of names introduced as customers, investors, partners.
    spans: partner_stem_spans(text) when known (text is ASCII): where the stems are."""
    first = start - 150 if start > 150 else 0
    if spans is not None and not _holds_stem(spans, first, start):
        return False  # no stem in the window, so none in its last sentence
    sentence = text[first:start]
    cut = max(sentence.rfind(". "), sentence.rfind("\n"), sentence.rfind(";"))
    sentence = sentence[cut + 1:]
    if spans is not None:  # the introduction tried only where a stem starts (_last_intro)
        intro = _last_intro(sentence, first + cut + 1, spans)
    else:  # its own stems, by one scan (not a search for each stem); None when not ASCII
        intro = _last_intro(sentence, 0, partner_stem_spans(sentence))
    if intro is None:
        return False
    names = _LIST_SPLIT.split(sentence[intro.end():])
    return all(not n.strip() or _NAME.fullmatch(n.strip()) for n in names)


def _last_intro(sentence: str, offset: int,
                spans: tuple[list[int], list[int]] | None) -> re.Match | None:
    """The last match of _PARTNER_INTRO finditer finds in a sentence that starts at ``offset``
    of a text whose partner_stem_spans are ``spans``. In an ASCII text the pattern is tried only
    where a stem of the sentence starts: each alternative of the pattern opens with a stem, and
    no match holds the start of another (what may follow an alternative, "include", "such as",
    ..., holds none), so its matches are those tried at the stems in turn. spans None (a text
    that is not ASCII, where ignoring case is more than lower case): finditer itself."""
    if spans is None:
        intros = list(_PARTNER_INTRO.finditer(sentence))
        return intros[-1] if intros else None
    starts, ends = spans
    stop = offset + len(sentence)
    i = bisect.bisect_left(starts, offset)
    last: re.Match | None = None
    end = offset
    while i < len(starts) and starts[i] < stop:
        if starts[i] >= end and ends[i] <= stop:
            match = _PARTNER_INTRO.match(sentence, starts[i] - offset)
            if match is not None:
                last, end = match, offset + match.end()
        i += 1
    return last


def _may_name_partners(text: str) -> bool:
    """A cheap test that lets most postings skip the partner-list rule."""
    return any(map(text.lower().__contains__, _PARTNER_HINTS))


def _excluded(text: str, cand: _Candidate, head: int, partners: Callable[[], bool],
              spans: tuple[list[int], list[int]] | None = None,
              by_head: dict[int, list] | None = None) -> str | None:
    """Why an accepted mention is not one: negated, a comparison, a partner (head: the start of
    the list it is in; partners: whether the posting may name partners at all; spans: where the
    partner stems are in text, partner_stem_spans; by_head: what was found for the list's head
    before, shared by the mentions of one list)."""
    after = _window_after(text, cand.end)
    if _compared_after(after):
        return "comparison or partner"
    if after[:1] in (" ", "(", "|", ",") and _named_as_employer(text, cand):
        return "the employer"
    found = by_head.get(head) if by_head is not None else None
    if found is None:  # [window before the list, _may_exclude of it, named as partner or None]
        before = _window_before(text, head)
        found = [before, _may_exclude(before), None]
        if by_head is not None:
            by_head[head] = found
    before = found[0]
    if cand.entry.tech.category == "cloud" and _BACKED_BY.search(before):
        return "comparison or partner"
    if found[1]:
        why = _excluded_by_before(before, after)
        if why:
            return why
    if found[2] is None:
        found[2] = _named_as_partner(text, head, spans)
    if found[2] and partners():
        return "comparison or partner"
    return None


# The last word each alternative of _NEGATION and of _COMPARISON_BEFORE can end with (lower
# case; both patterns end in spaces, one optional punctuation mark and the end of the window).
# An ASCII window whose last word (past those) ends otherwise is not searched (speed only: a
# window closing a bullet, "skills:\n- ", would cost three regex scans of every position).
_NEGATION_ENDS: Final = (
    "no", "more", "legacy", "using", "not", "a", "an", "the", "use", "in", "never", "without",
    "nor", "neither", "avoid", "avoiding", "want", "kein", "keine", "keinen", "keiner", "ohne",
    "nicht", "de", "d'", "sans", "aucun", "aucune", "ni",
)
# _COMPARISON_BEFORE's alternatives by their last word: those of one word, ending the window's
# last word ("(formerly"); those of several, the last word itself, after a word ending with one
# of the words that may come before it there ("compared to", "co-founders of"). "like" anywhere
# in the window sends it to the pattern whatever its last words.
_PARTNER_FORMS: Final = ("partner", "partnered", "partners", "partnering")
_COMPARISON_ALONE: Final = ("former", "formerly", *_PARTNER_FORMS, "investor", "investors", "ex-",
                            "think", "@")
# the words "include" and "including" follow in an alternative
_INCLUDERS: Final = (
    "competitor", "competitors", *_PARTNER_FORMS, "investor", "investors", "customer", "customers",
    "client", "clients",
)
_COMPARISON_PAIRS: Final = {
    "to": ("similar", "akin", "alternative", "alternatives", "competitor", "competitors",
           "compared", "comparable"),
    "of": ("competitor", "competitors", "instead", *_PARTNER_FORMS, "out", "alumni", "founder",
           "founders", "team", "creator", "creators", "veteran", "veterans", "employees"),
    "with": ("compared", *_PARTNER_FORMS, "partnership"),
    "by": ("inspired", "in", "funded", "trusted", "acquired", "sponsored"),
    "at": ("former", "formerly", "worked", "working", "work", "employees"),
    "as": ("such",),
    "include": _INCLUDERS,
    "including": _INCLUDERS,
    "than": ("rather",),
    "for": ("replacement",),
    "la": ("à", "a"),
}


def _may_compare(tail: str) -> bool:
    """Whether _COMPARISON_BEFORE may match an ASCII window whose tail (_tail) this is: it ends
    with the last words of one of its alternatives, or holds "like"."""
    if "like" in tail:
        return True
    words = tail.rsplit(None, 2)[-2:]
    if not words:
        return False
    last = words[-1]
    if last.endswith(_COMPARISON_ALONE):
        return True
    before = _COMPARISON_PAIRS.get(last)
    return before is not None and len(words) == 2 and words[0].endswith(before)


def _tail(before: str, marks: str) -> str:
    """before without what ends both patterns: spaces, one of marks, spaces (lower case)."""
    tail = before.rstrip()
    if tail and tail[-1] in marks:
        tail = tail[:-1].rstrip()
    return tail.lower()


def _excluded_by_before(before: str, after: str) -> str | None:
    """Negated or a comparison by the words before a mention (before: the window before its
    list). In ASCII text, where ignoring case is lower case, a pattern is searched only when the
    window ends with a word one of its alternatives ends with (for comparisons, the last two
    words: _may_compare)."""
    fast = before.isascii()
    if (not fast or _tail(before, "-:").endswith(_NEGATION_ENDS)) \
            and _NEGATION.search(before) and not _NEGATION_EXCEPTION.match(after):
        return "negated"
    if not fast:
        comparison = _COMPARISON_BEFORE.search(before) or _like_is_comparison(before, after)
    else:
        tail = _tail(before, ":,")
        comparison = (_may_compare(tail) and _COMPARISON_BEFORE.search(before)) or (
            tail.endswith("like") and _like_is_comparison(before, after))
    if comparison:
        return "comparison or partner"
    return None


# ------------------------------------------------------------------ loading the taxonomy

def _forms(tech_id: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """All alias forms of an entry with their kind; the name is an any-case alias by default."""
    special = {f.lower() for f in spec.get("cased", []) + spec.get("ambiguous", [])}
    forms = [] if spec["name"].lower() in special else [(spec["name"], "any")]
    forms += [(a, "any") for a in spec.get("aliases", [])]
    forms += [(a, "cased") for a in spec.get("cased", [])]
    forms += [(a, "ambiguous") for a in spec.get("ambiguous", [])]
    seen: set[tuple[str, str]] = set()
    unique = []
    for form, kind in forms:
        key = (search_key(form).strip(), form if kind != "any" else "")
        if key not in seen:
            seen.add(key)
            unique.append((form, kind))
    return unique


def _entry(tech_id: str, spec: dict[str, Any], context: dict[str, Any]) -> Entry:
    category = spec["category"]
    if category not in CATEGORIES:
        raise ValueError(f"taxonomy entry {tech_id!r}: unknown category {category!r}")
    cat_rules = context.get(category, {}) if spec.get("category_cues", True) else {}
    cues_before = [spec.get("cue_before"), cat_rules.get("cue_before")]
    cues_after = [spec.get("cue_after"), cat_rules.get("cue_after")]
    return Entry(
        tech=Technology(tech_id, spec["name"], category, spec.get("parent")),
        tier=spec.get("tier", "high" if spec.get("ambiguous") else "low"),
        forms=_forms(tech_id, spec),
        implies=tuple(spec.get("implies", ())),
        implies_by_alias={search_key(k).strip(): tuple(v)
                          for k, v in spec.get("implies_by_alias", {}).items()},
        needs=spec.get("needs"),
        needs_only=spec.get("needs_only", False),
        cue_before=tuple(_searched_window_pattern(p) for p in cues_before if p),
        cue_after=tuple(_window_pattern(p) for p in cues_after if p),
        veto_before=(_searched_window_pattern(spec["veto_before"]) if spec.get("veto_before")
                     else None),
        veto_after=_window_pattern(spec["veto_after"]) if spec.get("veto_after") else None,
        positive=tuple(spec.get("positive", ())),
        negative=tuple(spec.get("negative", ())),
    )


def load_entries(data: dict[str, Any]) -> dict[str, Entry]:
    """Taxonomy entries by id from the parsed TOML; raises ValueError on a dangling reference."""
    context = data.get("context", {})
    entries = {tech_id: _entry(tech_id, spec, context) for tech_id, spec in data["tech"].items()}
    for entry in entries.values():
        refs = list(entry.implies) + [i for v in entry.implies_by_alias.values() for i in v]
        refs += [r for r in (entry.tech.parent, entry.needs) if r]
        for ref in refs:
            if ref not in entries:
                raise ValueError(f"taxonomy entry {entry.tech.id!r} refers to unknown id {ref!r}")
    return entries


def _glued_index(entries: dict[str, Entry]) -> dict[str, tuple[tuple[Entry, str, str], ...]]:
    """One-word forms of 3+ characters that are safe to find inside glued words
    ("ReactNodeTypescriptComfortability"); ambiguous forms never are ("GoDaddy")."""
    index: dict[str, list[tuple[Entry, str, str]]] = {}
    for entry in entries.values():
        for form, kind in entry.forms:
            key = search_key(form).strip()
            if kind != "ambiguous" and len(key) >= 3 and " " not in key and "." not in key:
                index.setdefault(form.lower(), []).append((entry, form, kind))
    return {k: tuple(v) for k, v in index.items()}


def _prefixes(forms: Iterable[str]) -> frozenset[str] | None:
    """Every prefix of the glued forms, when all are ASCII; else None. A piece whose lower case
    is no such prefix cannot grow into a form: lower case maps character by character into
    ASCII (only the final sigma looks at context, and it is never ASCII)."""
    forms = list(forms)
    if not all(form.isascii() for form in forms):
        return None
    return frozenset(form[:n] for form in forms for n in range(1, len(form) + 1))


def _substring_finder(forms: Iterable[str]) -> ahocorasick.Automaton:
    """An automaton that finds the forms anywhere in a string."""
    automaton = ahocorasick.Automaton()
    for form in forms:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return automaton


_Variants = tuple[tuple[Entry, str, str], ...]  # (entry, form as written, kind)


def _alias_keys(entries: dict[str, Entry]) -> dict[str, tuple[int, _Variants]]:
    """Keys ' alias ' in search form (so a hit is always a whole token sequence), each with its
    length and the (entry, form, kind) variants written that way."""
    variants: dict[str, list[tuple[Entry, str, str]]] = {}
    for entry in entries.values():
        for form, kind in entry.forms:
            variants.setdefault(f" {search_key(form).strip()} ", []).append((entry, form, kind))
    return {key: (len(key), tuple(values)) for key, values in variants.items()}


_NEVER_IN_A_KEY: Final = ("\x01", "\x02", "\x03", "\x04")


class _AliasSearch:
    """Every occurrence of the keys in " " + a search key + " ", overlapping ones too
    (" Python Java " holds " python " and " java ", which share a space).

    With the C passes built (etl.compile): their DFA (_passes.c alias_hits), which reads a long
    text as four pieces at once, each step of one beside the others' (a DFA's step waits for
    the one before); 2.6 us a LinkedIn description against 7.6 for the reference below with its
    string padded and encoded. Without them, the reference: ahocorasick_rs's DFA, over the bytes
    of an ASCII string and over the characters of any other; about a third of the instructions
    of pyahocorasick's trie on the same keys."""

    def __init__(self, keys: list[str]) -> None:
        self._automaton: object = None
        if C_PASSES is not None:
            self._automaton = C_PASSES.alias_automaton(keys)
            return
        dfa = ahocorasick_rs.Implementation.DFA
        # every key starts with a space, so the automaton would look for each space with memchr
        # before stepping from it (a prefilter: slower than the DFA alone where every sixth
        # character is a space); keys that start with other characters turn the prefilter off.
        # They are control characters, which a search key never holds (its separators are all
        # spaces), so they never match; their indexes come after the real keys'.
        keys = [*keys, *_NEVER_IN_A_KEY]
        self._bytes = ahocorasick_rs.BytesAhoCorasick([k.encode("utf-8") for k in keys],
                                                      implementation=dfa)
        self._chars = ahocorasick_rs.AhoCorasick(keys, implementation=dfa)

    def __call__(self, key: str) -> list[tuple[int, int, int]]:
        """(key index, start, end) of each occurrence in " " + key + " "; offsets in
        characters of that string."""
        if self._automaton is not None and C_PASSES is not None:
            hits: list[tuple[int, int, int]] = C_PASSES.alias_hits(self._automaton, key)
            return hits
        padded = f" {key} "
        if padded.isascii():
            return self._bytes.find_matches_as_indexes(padded.encode("ascii"), overlapping=True)
        return self._chars.find_matches_as_indexes(padded, overlapping=True)


def _by_start_longest_first(cand: _Candidate) -> tuple[int, int]:
    return cand.start, cand.start - cand.end


def _leftmost_longest(hits: list[_Candidate]) -> list[_Candidate]:
    """The candidates kept from hits: by start, the longest first, none overlapping one kept.
    The sort is stable, so of two hits with the same span the first in hits is kept."""
    hits.sort(key=_by_start_longest_first)
    chosen: list[_Candidate] = []
    for cand in hits:
        if not chosen or cand.start >= chosen[-1].end:
            chosen.append(cand)
    return chosen


def _covered_words(hits: list[_Candidate], words: list[tuple[int, int]]
                   ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(words inside one of hits, the other words); hits sorted by start."""
    covered: list[tuple[int, int]] = []
    open_words: list[tuple[int, int]] = []
    if not hits:
        return covered, words
    starts = [c.start for c in hits]
    reach = list(accumulate((c.end for c in hits), max))  # the furthest end of hits[:i + 1]
    for word in words:
        i = bisect.bisect_right(starts, word[0])
        (covered if i and reach[i - 1] >= word[1] else open_words).append(word)
    return covered, open_words


def _all_within(chosen: list[_Candidate], words: list[tuple[int, int]]) -> bool:
    """Whether each word lies inside one of chosen (sorted by start, none overlapping)."""
    starts = [c.start for c in chosen]
    for first, last in words:
        i = bisect.bisect_right(starts, first)
        if not i or chosen[i - 1].end < last:
            return False
    return True


# ------------------------------------------------------------------ the tagger

class Tagger:
    """Finds technology mentions in posting text according to a taxonomy file."""

    def __init__(self, data: dict[str, Any], content_hash: str) -> None:
        self.version: str = f"{data.get('version', '0')}+{content_hash[:8]}"
        self.entries: dict[str, Entry] = load_entries(data)
        self.technologies: dict[str, Technology] = {k: e.tech for k, e in self.entries.items()}
        aliases = _alias_keys(self.entries)
        self._alias_values = list(aliases.values())
        self._alias_search = _AliasSearch(list(aliases))
        self._glued = _glued_index(self.entries)
        self._glued_longest = max(map(len, self._glued), default=0)
        self._glued_prefixes = _prefixes(self._glued)
        # the forms searched for in the glued words (lower case ASCII forms only): by the C
        # passes' walk where they are built, else by pyahocorasick
        self._glued_automaton: object = None
        self._glued_finder: ahocorasick.Automaton | None = None
        if self._glued_prefixes and C_PASSES is not None:
            self._glued_automaton = C_PASSES.alias_automaton(list(self._glued))
        elif self._glued_prefixes:
            self._glued_finder = _substring_finder(self._glued)
        # characters and candidates each bounded pass has looked at (tests check it grows
        # linearly with the text): glued: pieces of glued words, list: list-head steps; and
        # "glued again": texts whose glued words inside alias hits were looked at after all
        self.work: Counter[str] = Counter()
        self._implied_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._cloud_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    @classmethod
    def default(cls) -> Tagger:
        """The shared tagger for etl/data/taxonomy.toml."""
        return _default_tagger()

    @classmethod
    def from_file(cls, path: str | Path) -> Tagger:
        """A tagger for the taxonomy TOML file at path."""
        content = Path(path).read_bytes()
        return cls(tomllib.loads(content.decode("utf-8")), hashlib.sha256(content).hexdigest())

    def normalise(self, text: str) -> str:
        """Plain text as the tagger sees it; mention offsets index into this string."""
        return normalise(text)

    def mentions(self, text: str) -> list[Mention]:
        """Every mention, implied ones right after the mention that implies them, in text order."""
        return self.mentions_in_normalised(self.normalise(text))

    def technologies_in(self, text: str) -> list[Technology]:
        """Unique technologies in order of first mention."""
        return list(dict.fromkeys(m.technology for m in self.mentions(text)))

    def technology_columns(self, texts: list[str]) -> tuple[list[int], list[Technology],
                                                             list[str], list[str], list[int]]:
        """One row per text x technology it names, texts in order and each text's technologies
        in order of first mention, as five columns: the text's index in texts, the technology,
        its first mention's surface and rule, and how many mentions it has (the build's tags:
        the loop runs compiled, where it cost a fifth of the tagging in the build's Python)."""
        at: list[int] = []
        techs: list[Technology] = []
        surfaces: list[str] = []
        rules: list[str] = []
        counts: list[int] = []
        for i, text in enumerate(texts):
            seen: dict[str, int] = {}
            for tech, _, _, surface, rule in self.mentions(text):
                row = seen.get(tech.id)
                if row is not None:
                    counts[row] += 1
                    continue
                seen[tech.id] = len(at)
                at.append(i)
                techs.append(tech)
                surfaces.append(surface)
                rules.append(rule)
                counts.append(1)
        return at, techs, surfaces, rules, counts

    def mentions_in_normalised(self, text: str) -> list[Mention]:
        """Mentions in text that is already normalised."""
        cands = self._candidates(text)
        self._decide(text, cands)
        return self._with_implied(text, [c for c in cands if c.status])

    def _candidates(self, text: str) -> list[_Candidate]:
        """Leftmost-longest whole-token alias hits whose letter case fits the alias kind, and
        names inside glued words."""
        hits = []
        values = self._alias_values
        for index, start, stop in self._alias_search(search_key(text)):
            end = stop - 2  # the key's spaces: padded offsets are one past the text's
            surface = text[start:end]
            variants = values[index][1]
            for entry, form, kind in variants:
                if kind == "any" or surface == form:
                    hits.append(_Candidate(start, end, entry, form, kind))
                    break
        hits.sort(key=_by_start_longest_first)
        shape, words = self._glued_words(text)
        if not words:
            return _leftmost_longest(hits)
        # a glued word inside an alias hit ("JavaScript", "PostgreSQL") adds no name when that
        # hit is chosen: its pieces sort after the hit and start before its end, and cannot
        # change whether it is chosen; so its pieces are looked for only when no hit holding it
        # was chosen (then every glued word is cut, as before)
        covered, open_words = _covered_words(hits, words)
        chosen = _leftmost_longest(hits + self._glued_pieces(text, shape, open_words))
        if covered and not _all_within(chosen, covered):
            self.work["glued again"] += 1
            chosen = _leftmost_longest(hits + self._glued_pieces(text, shape, words))
        return chosen

    def _glued_candidates(self, text: str) -> list[_Candidate]:
        """Names inside words glued at a case change ("C++Previous", "ReactNodeTypescript")."""
        shape, words = self._glued_words(text)
        return self._glued_pieces(text, shape, words)

    def _glued_words(self, text: str) -> tuple[str, list[tuple[int, int]]]:
        """The text's shape and its words holding a lower-then-upper case change, in order."""
        if C_PASSES is not None:  # the same pass in C (etl.compile)
            found: tuple[str, list[tuple[int, int]]] = C_PASSES.glued_words(
                text, _ASCII_SHAPE, _SHAPE_TABLE)
            return found
        shape = _translated(text, _ASCII_SHAPE, _SHAPE_TABLE, _non_ascii_of(text))
        words = []
        end = -1
        # every case change at once (the shape is ASCII, and "aA" cannot overlap itself): one
        # scan, where a str.find from each word's end was a call per word
        for _, cut, _stop in _case_changes().find_matches_as_indexes(shape.encode("ascii")):
            if cut < end:
                continue  # in the word just taken
            start = shape.rfind(" ", 0, cut) + 1
            end = shape.find(" ", cut)
            end = len(shape) if end < 0 else end
            words.append((start, end))
        return shape, words

    def _glued_pieces(self, text: str, shape: str,
                      words: list[tuple[int, int]]) -> list[_Candidate]:
        """Candidates for the runs between case changes of the glued words."""
        if not words or not self._may_hold_glued_forms(text, shape, words):
            return []
        out: list[_Candidate] = []
        for start, end in words:
            bounds = [start, *(i + 1 for i in _cuts(shape, start, end)), end]
            out += self._pieces(text, bounds)
        return out

    def _may_hold_glued_forms(self, text: str, shape: str, words: list[tuple[int, int]]) -> bool:
        """Whether a glued form occurs in the glued words, in lower case, from a word start or a
        case change to a word end or a case change: one search over all the words, where most
        postings end. Every piece _pieces can accept is such an occurrence (ASCII words keep
        their offsets in lower case; other words are always looked at piece by piece). With the
        C passes built, their DFA of the forms walks each word in place (_passes.c
        glued_forms_in): 0.7 us a LinkedIn description against 3.5 for joining the words."""
        if self._glued_automaton is not None and C_PASSES is not None:
            held, looked_at = C_PASSES.glued_forms_in(self._glued_automaton, text, shape, words)
            self.work["glued"] += looked_at
            return bool(held)
        joined = " ".join([text[start:end] for start, end in words])
        self.work["glued"] += len(joined)
        if self._glued_finder is None or not joined.isascii():
            return True
        joined_shape = " ".join([shape[start:end] for start, end in words])
        for last, form in self._glued_finder.iter(joined.lower()):
            first, stop = last - len(form) + 1, last + 1
            if first > 0 and joined_shape[first - 1:first + 1] not in (" a", " A", " 0", "aA"):
                continue
            if stop == len(joined_shape) or joined_shape[stop] == " " or \
                    joined_shape[stop - 1:stop + 1] == "aA":
                return True
        return False

    def _pieces(self, text: str, bounds: list[int]) -> list[_Candidate]:
        """Candidates for the runs between case changes of one glued word. Only runs no longer
        than the longest glued form are looked up (lower case never shortens a string), so a word
        with thousands of case changes ("aBaB...") costs time in proportion to its length."""
        out = []
        longest, tried, prefixes = self._glued_longest, 0, self._glued_prefixes
        for i, left in enumerate(bounds):
            for j in range(i + 1, len(bounds)):
                right = bounds[j]
                if right - left > longest:
                    break
                tried += right - left
                piece = text[left:right]
                lower = piece.lower()
                for entry, form, kind in self._glued.get(lower, ()):
                    if kind == "any" or piece == form:
                        out.append(_Candidate(left, right, entry, form, kind))
                        break
                if prefixes is not None and lower not in prefixes:
                    break  # no longer piece from here can be a form either
        self.work["glued"] += tried + len(bounds)
        return out

    def _decide(self, text: str, cands: list[_Candidate]) -> None:
        """Sets status: safe aliases unless vetoed; ambiguous ones only with evidence; then drops
        negated mentions, comparisons and partners."""
        for cand in cands:
            if _vetoed(text, cand):
                cand.status, cand.rule = False, "veto"
            elif cand.kind != "ambiguous":
                cand.status, cand.rule = True, f"alias '{cand.form}'"
        self._accept_with_evidence(text, cands)
        for cand in cands:
            if cand.status is None:
                cand.status, cand.rule = False, "no evidence"
        if not any(cand.status for cand in cands):
            return
        hints: list[bool] = []

        def partners() -> bool:  # the whole-text test, done once and only when needed
            if not hints:
                hints.append(_may_name_partners(text))
            return hints[0]

        heads = _list_heads(text, cands)
        self.work["list"] += len(cands)
        accepted = sum(1 for cand in cands if cand.status)
        # the stems found once in the whole text pay off only over many mentions: a mention's
        # own sentence is looked at otherwise (the same answer, tests/test_rowfast_identity.py)
        spans = partner_stem_spans(text) if accepted >= _ONE_SCAN_FROM else None
        by_head: dict[int, list] = {}
        exclusions = [_excluded(text, c, head, partners, spans, by_head) if c.status else None
                      for c, head in zip(cands, heads, strict=True)]
        for cand, why in zip(cands, exclusions, strict=True):
            if why:
                cand.status, cand.rule = False, why

    def _accept_with_evidence(self, text: str, cands: list[_Candidate]) -> None:
        """Accepts pending risky names that have evidence, until nothing changes.

        A name accepted in one pass can be the evidence for the next one along a list ("Node,
        Express, Meteor, Redis"). Passes run left to right over the pending names, with the clouds
        accepted before the pass, as a plain loop over every name would; but a pass only looks
        again at names whose evidence can have changed since they were last judged (a neighbour
        accepted, or a cloud they need newly named), so a long list costs linear time, not a
        pass over every name per accepted one.
        """
        pending = [i for i, c in enumerate(cands) if c.status is None]
        if not pending:
            return
        needing: dict[str, list[int]] = {}
        for i in pending:
            needs = cands[i].entry.needs
            if needs:
                needing.setdefault(needs, []).append(i)
        clouds_now = self._clouds(cands)
        clouds_seen: set[str] = set()
        dirty = set(pending)
        while dirty or clouds_now - clouds_seen:
            clouds = set(clouds_now)
            for cloud in clouds - clouds_seen:
                dirty.update(i for i in needing.get(cloud, ()) if cands[i].status is None)
            clouds_seen = clouds
            this_pass, dirty = sorted(dirty), set()
            heapq.heapify(this_pass)
            while this_pass:
                i = heapq.heappop(this_pass)
                while this_pass and this_pass[0] == i:
                    heapq.heappop(this_pass)
                cand = cands[i]
                if cand.status is not None:
                    continue
                self.work["evidence"] += 1
                evidence = self._evidence(text, cands, i, clouds)
                if not evidence:
                    continue
                cand.status = True
                cand.rule = f"context rule {cand.entry.tech.id}: {evidence}"
                clouds_now.update(self._cloud_ids(cand.entry, cand.form))
                if i + 1 < len(cands) and cands[i + 1].status is None:
                    heapq.heappush(this_pass, i + 1)
                if i > 0 and cands[i - 1].status is None:
                    dirty.add(i - 1)

    def _evidence(self, text: str, cands: list[_Candidate], i: int, clouds: set[str]) -> str | None:
        entry = cands[i].entry
        if entry.needs and entry.needs in clouds:
            return f"{self.technologies[entry.needs].name} in the posting"
        if entry.needs_only:
            return None
        return _cue(text, cands[i]) or _neighbour(text, cands, i)

    def _implied_ids(self, entry: Entry, form: str) -> tuple[str, ...]:
        """Ids implied by a mention of entry as form, transitively, in order."""
        key = (entry.tech.id, form)
        found = self._implied_cache.get(key)
        if found is None:
            todo = [*entry.implies, *entry.implies_by_alias.get(search_key(form).strip(), ())]
            out: list[str] = []
            while todo:
                tech_id = todo.pop(0)
                if tech_id not in out:
                    out.append(tech_id)
                    todo.extend(self.entries[tech_id].implies)
            found = self._implied_cache[key] = tuple(out)
        return found

    def _cloud_ids(self, entry: Entry, form: str) -> tuple[str, ...]:
        """Ids of the cloud platforms a mention of entry as form names or implies (cached)."""
        key = (entry.tech.id, form)
        found = self._cloud_cache.get(key)
        if found is None:
            ids = (entry.tech.id, *self._implied_ids(entry, form))
            found = self._cloud_cache[key] = tuple(
                i for i in ids if self.technologies[i].category == "cloud")
        return found

    def _clouds(self, cands: list[_Candidate]) -> set[str]:
        """Ids of the cloud platforms named or implied by the accepted candidates."""
        out: set[str] = set()
        for cand in cands:
            if cand.status:
                out.update(self._cloud_ids(cand.entry, cand.form))
        return out

    def _with_implied(self, text: str, accepted: list[_Candidate]) -> list[Mention]:
        out: list[Mention] = []
        seen: set[str] = set()
        for cand in accepted:
            surface = text[cand.start:cand.end]
            out.append(_mention(cand.entry.tech, cand.start, cand.end, surface, cand.rule))
            seen.add(cand.entry.tech.id)
            for tech_id in self._implied_ids(cand.entry, cand.form):
                if tech_id not in seen:
                    seen.add(tech_id)
                    out.append(_mention(self.technologies[tech_id], -1, -1, "",
                                       f"implied by {surface}"))
        return out


@cache
def _default_tagger() -> Tagger:
    return Tagger.from_file(TAXONOMY_PATH)


# ------------------------------------------------------------------ JSON Lines

def tag_jsonl(lines: Iterable[str | bytes], out: TextIO) -> int:
    """Reads JSON Lines {"id", "text"}; writes one line per input {"id", "technologies":
    [{"name","category"}]}; returns count. A bad line writes {"id": null or its id, "error":
    "line N: ..."} and continues. Blank lines are skipped; the count is of lines written."""
    tagger = Tagger.default()
    return answer_jsonl(lines, out, lambda record: {"technologies": [
        {"name": t.name, "category": t.category} for t in tagger.technologies_in(record["text"])]})
