"""A pattern that opens with a gate of the characters its matches can start with.

Python's re tries a pattern at every position of the text it searches. When the pattern opens
with a literal or a class it skips ahead to where that character is, but one that opens with a
lookbehind, a word boundary or an alternation of words (and, with IGNORECASE, any letter) runs
those at every position first: the years pattern of the requirement extractors checks two
lookbehinds and a dozen number words at each character of a line. ``gated`` puts a lookahead
of the pattern's possible first characters in front, ``(?=[\\daefnostz])`` for the years
pattern, so most positions fail on one class test.

Every match of the pattern starts with a character of that class (it is made from the
pattern's own parse: the first character each branch can consume, zero-width parts passed
over, optional parts adding the ones after them), and the lookahead consumes nothing and holds
no group, so the gated pattern gives the same matches, spans and groups as the pattern
(tests/test_gate.py checks it on the patterns gated and on generated text). It is used only
where it was measured faster: a pattern that opens with a literal loses re's skip-ahead to it.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
               sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W",
               sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S"}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


class NoGate(ValueError):
    """The pattern's first characters cannot be told as one class."""


def _member(code: int) -> str:
    """A character as a member of a class."""
    return re.escape(chr(code)) if chr(code) not in "-]\\^" else "\\" + chr(code)


def _class_members(items: list) -> set[str]:
    """The members of a parsed class, as class source."""
    members: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            members.add(_member(value))
        elif op is sre.RANGE:
            members.add(f"{_member(value[0])}-{_member(value[1])}")
        elif op is sre.CATEGORY and value in _CATEGORIES:
            members.add(_CATEGORIES[value])
        else:  # a negated class, a locale category: not one more member of a union
            raise NoGate(f"a class member {op} {value}")
    return members


def _first(items: list, flags: int) -> tuple[set[str], bool]:
    """(the class members any first character of a match of the parsed items is one of,
    whether the items can match the empty string)."""
    members: set[str] = set()
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return members | {_member(value)}, False
        if op is sre.IN:
            return members | _class_members(value), False
        if op is sre.SUBPATTERN:
            if value[1] & re.IGNORECASE and not flags & re.IGNORECASE:
                raise NoGate("a part that ignores case in a pattern that does not")
            first, empty = _first(value[3].data, flags)
        elif op is sre.ATOMIC_GROUP:
            first, empty = _first(value.data, flags)
        elif op is sre.BRANCH:
            first, empty = set(), False
            for branch in value[1]:
                found, can_be_empty = _first(branch.data, flags)
                first |= found
                empty = empty or can_be_empty
        elif op in _REPEATS:
            first, empty = _first(value[2].data, flags)
            empty = empty or value[0] == 0
        else:  # any character, a negated literal, a group reference
            raise NoGate(f"a part {op}")
        members |= first
        if not empty:
            return members, False
    return members, True


def first_class(pattern: re.Pattern) -> str:
    """The class of the characters every match of pattern starts with, as pattern source in
    the pattern's flags (a part that turns case sensitivity off only widens it); NoGate when the
    pattern can match the empty string or its first characters are no one class."""
    members, empty = _first(sre_parse.parse(pattern.pattern, pattern.flags).data, pattern.flags)
    if empty:
        raise NoGate("the pattern can match the empty string")
    return "[" + "".join(sorted(members)) + "]"


def gated(pattern: re.Pattern) -> re.Pattern:
    """The pattern with a lookahead of first_class in front (after its global flags): the same
    matches, tried only where one can start."""
    source = pattern.pattern
    flags = _GLOBAL_FLAGS.match(source)
    if flags:  # they must stay first; the compiled pattern's flags carry them
        source = source[flags.end():]
    return re.compile(f"(?={first_class(pattern)}){source}", pattern.flags)
