"""Case-insensitive patterns, searched faster on text without case beyond ASCII.

Python's re searches with a pattern compiled with IGNORECASE several times slower than with the
same pattern without it: it folds each character it compares and cannot skip ahead to the
characters the pattern can start with. On ASCII text the same matches come from the pattern
with its letters in lower case, compiled without IGNORECASE, over the text in lower case.
Lower-casing ASCII keeps each character's place and its classes (a letter stays a letter; \\w,
\\d, \\s and \\b see the same), so the matches have the same spans; only their groups hold the
text in lower case. So does text whose other characters have no case (dashes, quotes, currency
signs); any other text runs the IGNORECASE pattern.

The gain is in searching: the role-line pattern of the requirement extractors searched in the
parts of a line naming a role takes 1.5 us a part this way, 5.6 us with IGNORECASE. A match
anchored where a pre-filter found a literal gains nothing (the hiring phrases and the pay-line
pattern keep IGNORECASE).

A pattern whose source cannot be lowered safely is refused when it is made (an escape that may
name a capital, a part that turns case sensitivity on or off, a class range from a capital to
another kind of character, a character outside ASCII that IGNORECASE matches to an ASCII
letter). tests/test_caseless.py checks that both ways give the same spans on generated text;
tests/test_requirements_speed.py that the extractors give what their reference copy gives, on
the labelled real postings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Final

from etl.text import non_ascii
from etl.transforms.gate import gated

_ASCII_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def lowered_source(source: str) -> str:
    """The pattern source with its letters in lower case (escapes and group names kept), which
    matches lower-cased ASCII text where the source with IGNORECASE matches the text; ValueError
    when no such source can be made by lowering letters."""
    out: list[str] = []
    i, n = 0, len(source)
    in_class = False
    class_opened = -1  # where the current class's members start
    while i < n:
        char = source[i]
        if char == "\\":
            escaped = source[i + 1:i + 2]
            if escaped in ("x", "u", "U", "N") or escaped.isdigit():
                raise ValueError(f"an escape that may name a capital: \\{escaped} at {i}")
            out.append(source[i:i + 2])
            i += 2
            continue
        if in_class:
            if char == "]" and i > class_opened:
                in_class = False
            elif char == "-" and i > class_opened and source[i + 1:i + 2] not in ("]", ""):
                low, high = source[i - 1], source[i + 1]
                if (low.isascii() and low.isupper()) != (high.isascii() and high.isupper()):
                    raise ValueError(f"a class range from a capital to another character at {i}")
            out.append(char.lower() if char.isascii() else _checked(char, i))
            i += 1
            continue
        if char == "[":
            in_class = True
            class_opened = i + 1 + (source[i + 1:i + 2] == "^")
            out.append(source[i:class_opened])
            i = class_opened
            continue
        if source.startswith("(?P<", i) or source.startswith("(?P=", i):
            end = source.index(">" if source[i + 3] == "<" else ")", i)
            out.append(source[i:end + 1])  # a group's name keeps its case
            i = end + 1
            continue
        if source.startswith("(?", i):
            flags = re.match(r"\(\?([aiLmsux-]*)[:)]", source[i:])
            if flags and ("i" in flags.group(1) or "L" in flags.group(1)):
                raise ValueError(f"a part that sets case sensitivity at {i}")
        out.append(char.lower() if char.isascii() else _checked(char, i))
        i += 1
    return "".join(out)


def _checked(char: str, at: int) -> str:
    """char, a character outside ASCII of a pattern, unless IGNORECASE matches it to an ASCII
    letter ("K" the Kelvin sign to k, the long s to s, the dotless i to i), which the lowered
    pattern would not."""
    if re.search(re.escape(char), _ASCII_LETTERS, re.IGNORECASE):
        raise ValueError(f"{char!r} at {at} matches an ASCII letter when case is ignored")
    return char


def lowers_safely(text: str) -> bool:
    """Whether a lowered pattern over text.lower() matches as the pattern with IGNORECASE over
    text: the text is ASCII, or its other characters have no case (dashes, quotes, currency
    signs, emoji: IGNORECASE matches such a character to itself alone, and lowering keeps it)."""
    if text.isascii():
        return True
    other = non_ascii(text)
    return other.lower() == other == other.upper()


class Caseless:
    """A pattern matched ignoring case: over text that lowers safely, as its lowered source over
    the lowered text (the same spans; groups in lower case); over other text, with IGNORECASE."""

    __slots__ = ("any_text", "lowered", "pattern")

    def __init__(self, source: str, flags: int = 0, gate: bool = False) -> None:
        """``gate``: both patterns gated (etl/transforms/gate.py; NoGate when they cannot be)."""
        self.pattern = source
        self.any_text = re.compile(source, flags | re.IGNORECASE)
        self.lowered = re.compile(lowered_source(source), flags & ~re.IGNORECASE)
        if gate:
            self.any_text, self.lowered = gated(self.any_text), gated(self.lowered)

    def over(self, text: str) -> tuple[re.Pattern, str]:
        """(pattern, subject) to match in text: the lowered pattern and the lowered text when
        text lowers safely, else the IGNORECASE pattern and text."""
        if lowers_safely(text):
            return self.lowered, text.lower()
        return self.any_text, text

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        pattern, subject = self.over(text)
        return pattern.search(subject, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        pattern, subject = self.over(text)
        return pattern.match(subject, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match]:
        pattern, subject = self.over(text)
        return pattern.finditer(subject, pos, endpos)
