"""The JSON Lines reader and writer behind `python -m etl tag` and `python -m etl salary`:
orjson first, the standard library for the lines orjson refuses (etl/jsonl.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from etl.jsonl import LineProblem, answer_jsonl


def _echo(record: dict) -> dict:
    if record["text"] == "refuse":
        raise LineProblem("refused")
    return {"length": len(record["text"]), "text": record["text"]}


def _answers(lines) -> list[str]:
    out = io.StringIO()
    count = answer_jsonl(lines, out, _echo)
    written = out.getvalue().splitlines()
    assert count == len(written)
    return written


def test_bytes_and_str_lines_give_the_same_compact_answers():
    lines = ['{"id": 1, "text": "Python"}\n', '{"id": "b", "text": "Zürich – Ünïcode"}\n',
             '{"id": 3.5, "text": "tab\\there \\"quoted\\""}\n']
    from_str = _answers(lines)
    assert from_str == _answers([line.encode("utf-8") for line in lines])
    assert from_str[0] == '{"id":1,"length":6,"text":"Python"}'
    assert json.loads(from_str[1]) == {"id": "b", "length": 16, "text": "Zürich – Ünïcode"}
    assert "Zürich" in from_str[1]  # written as UTF-8, not escaped
    assert json.loads(from_str[2])["text"] == 'tab\there "quoted"'


def test_lines_orjson_refuses_are_read_as_the_standard_library_reads_them():
    lines = [b'{"id": NaN, "text": "not strict JSON"}\n',  # NaN: json reads it, orjson does not
             b'{"id": 123456789012345678901234567890, "text": "big"}\n',  # past 64 bits
             b'{"id": 4, "text": "lone \\ud800 surrogate"}\n',
             b'{"id": 5, "text": "bad byte \xff here"}\n',  # not UTF-8: the byte as a surrogate
             b'{"id": 6 "text": "x"}\n']
    out = _answers(lines)
    assert out[0] == '{"id":NaN,"length":15,"text":"not strict JSON"}'
    assert out[1] == '{"id":123456789012345678901234567890,"length":3,"text":"big"}'
    assert json.loads(out[2]) == {"id": 4, "length": 16, "text": "lone \ud800 surrogate"}
    assert json.loads(out[3]) == {"id": 5, "length": 15, "text": "bad byte \udcff here"}
    assert out[2].isascii() and out[3].isascii()  # escaped: a lone surrogate cannot be UTF-8
    # the standard library's own words for what is wrong
    assert json.loads(out[4]) == {"id": None,
                                  "error": "line 5: invalid JSON: Expecting ',' delimiter"}


def test_bad_records_blank_lines_and_refusals():
    out = _answers([b"\n", b'[1, 2]\n', b"   \r\n", b'{"id": 3}\n', b'{"id": 4, "text": 7}\n',
                    b'{"id": 5, "text": "refuse"}\n', b'{"id": 6, "text": "ok"}'])
    assert [json.loads(line) for line in out] == [
        {"id": None, "error": "line 2: expected an object with id and text"},
        {"id": 3, "error": "line 4: 'text' must be a string"},
        {"id": 4, "error": "line 5: 'text' must be a string"},
        {"id": 5, "error": "line 6: refused"},
        {"id": 6, "length": 2, "text": "ok"}]


def test_the_command_reads_stdin_as_bytes_and_goes_on_past_a_line_not_in_utf8():
    lines = (b'{"id": 1, "text": "Python"}\n{"id": 2, "text": "\xff Java"}\n{"id": 3}\n'
             b'{"id": "\\ud800", "text": "Perl"}\n{"id": "a\xffb", "text": "Rust"}\n')
    done = subprocess.run([sys.executable, "-m", "etl", "tag"], input=lines,
                          capture_output=True, check=True)
    written = done.stdout.decode("ascii").splitlines()  # the lone surrogates escaped
    assert [json.loads(line) for line in written] == [
        {"id": 1, "technologies": [{"name": "Python", "category": "language"}]},
        {"id": 2, "technologies": [{"name": "Java", "category": "language"}]},
        {"id": 3, "error": "line 3: 'text' must be a string"},
        {"id": "\ud800", "technologies": [{"name": "Perl", "category": "language"}]},
        {"id": "a\udcffb", "technologies": [{"name": "Rust", "category": "language"}]}]
