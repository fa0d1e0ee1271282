"""The JSON Lines interface of `python -m etl tag` and `python -m etl salary`: one answer a line."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

# json.dumps with an option makes a new encoder each call; one made once writes the same text
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class LineProblem(ValueError):
    """What is wrong with a field of one input line (written as that line's error)."""


def answer_jsonl(lines: Iterable[str], out: TextIO,
                 answer: Callable[[dict], dict[str, Any]]) -> int:
    """Reads JSON Lines {"id", "text", ...}; writes one line per input, {"id", **answer(record)},
    or {"id": null or its id, "error": "line N: ..."} for a bad line, and goes on; blank lines
    are skipped. Returns the count of lines written."""
    count = 0
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        out.write(_ENCODE(_answer_line(line, line_no, answer)) + "\n")
        count += 1
    return count


def _answer_line(line: str, line_no: int, answer: Callable[[dict], dict[str, Any]]) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {line_no}: invalid JSON: {exc.msg}"}
    if not isinstance(record, dict):
        return {"id": None, "error": f"line {line_no}: expected an object with id and text"}
    if not isinstance(record.get("text"), str):
        return {"id": record.get("id"), "error": f"line {line_no}: 'text' must be a string"}
    try:
        return {"id": record.get("id"), **answer(record)}
    except LineProblem as problem:
        return {"id": record.get("id"), "error": f"line {line_no}: {problem}"}
