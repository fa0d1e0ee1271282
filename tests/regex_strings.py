"""Strings a regular expression matches, for tests of the hint words that gate a pattern.

A gate skips a pattern on a text that holds none of its hint words, so each hint list must have
a word inside every match. ``matched_strings`` lists, for a pattern made of literals, classes,
groups, alternatives, optional parts and repeats, the strings it matches with each optional part
taken and left out, each alternative and each class member taken in turn, and each repeat at its
least and one more (a digit stands for ``\\d``, a space for ``\\s``, "w" for ``\\w``, and a negated
class for the first two of a few characters it does not exclude); zero-width parts (``\\b``,
look-arounds, anchors) match the empty string. A test then checks that every one holds a hint.
The Caseless tests use the strings as texts to match both ways.
"""

from __future__ import annotations

from re import _parser  # the parser of the standard library's re (sre_parse before 3.11)

_CATEGORY = {"CATEGORY_DIGIT": "2", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "w",
             "CATEGORY_NOT_DIGIT": "x", "CATEGORY_NOT_SPACE": "x", "CATEGORY_NOT_WORD": " "}
# the characters a negated class ("[^.\\n;]") is taken as: the first two it does not exclude
_OUTSIDE = (" ", "x", "-", "1", ".", "é", "@", "\n")


def _in_class(char: str, kind: str, item) -> bool:
    if kind == "LITERAL":
        return char == chr(item)
    if kind == "RANGE":
        return item[0] <= ord(char) <= item[1]
    return {"CATEGORY_DIGIT": char.isdigit(), "CATEGORY_SPACE": char.isspace(),
            "CATEGORY_WORD": char.isalnum() or char == "_",
            "CATEGORY_NOT_DIGIT": not char.isdigit(), "CATEGORY_NOT_SPACE": not char.isspace(),
            "CATEGORY_NOT_WORD": not (char.isalnum() or char == "_")}[str(item)]
_ZERO_WIDTH = {"AT", "ASSERT", "ASSERT_NOT"}


def matched_strings(pattern: str, limit: int = 20_000) -> list[str]:
    """The strings ``pattern`` matches, taken as the module docstring says (at most ``limit``)."""
    return _strings(_parser.parse(pattern), limit)


def _strings(items, limit: int) -> list[str]:
    out = [""]
    for op, value in items:
        out = [a + b for a in out for b in _choices(str(op), value, limit)][:limit]
    return out


def _choices(op: str, value, limit: int) -> list[str]:
    if op == "LITERAL":
        return [chr(value)]
    if op in _ZERO_WIDTH:
        return [""]
    if op == "ANY":
        return ["x"]
    if op == "CATEGORY":
        return [_CATEGORY[str(value)]]
    if op == "NOT_LITERAL":
        return ["x" if value != ord("x") else "y"]
    if op == "IN" and value and str(value[0][0]) == "NEGATE":
        rest = [(str(kind), item) for kind, item in value[1:]]
        return [c for c in _OUTSIDE if not any(_in_class(c, k, i) for k, i in rest)][:2]
    if op == "IN":
        members = []
        for kind, item in value:
            kind = str(kind)
            if kind == "LITERAL":
                members.append(chr(item))
            elif kind == "RANGE":
                members.append(chr(item[0]))
            elif kind == "CATEGORY":
                members.append(_CATEGORY[str(item)])
            else:
                raise ValueError(f"class member {kind} not handled")
        return members
    if op == "SUBPATTERN":
        return _strings(value[-1], limit)
    if op == "BRANCH":
        return [s for branch in value[1] for s in _strings(branch, limit)]
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        least, most, inner = value
        inner_strings = _strings(inner, limit)
        out = []
        for times in sorted({least, least + 1 if most == _parser.MAXREPEAT else min(least + 1,
                                                                                      most)}):
            made = [""]
            for _ in range(times):
                made = [a + b for a in made for b in inner_strings][:limit]
            out += made
        return out
    raise ValueError(f"pattern part {op} not handled")
