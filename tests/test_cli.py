"""`python -m etl tag`, the command anyone can tag their own text with."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def run_tag(lines: list[str]) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "etl", "tag"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, cwd=PROJECT_ROOT, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_tag_reads_json_lines_and_writes_one_line_each():
    inputs = [{"id": 1, "text": "Senior Golang engineer: Postgres, Redis, AWS (S3, EKS)."},
              {"id": "b", "text": "Our go-to-market team is hiring after our Series C."},
              {"id": 3, "text": "C&#35; and .NET developer, MS SQL, Azure"}]
    out = run_tag([json.dumps(i) for i in inputs])
    assert [o["id"] for o in out] == [1, "b", 3]
    first = {(t["name"], t["category"]) for t in out[0]["technologies"]}
    assert {("Go", "language"), ("PostgreSQL", "database"), ("Redis", "database"),
            ("AWS", "cloud")} <= first
    assert out[1]["technologies"] == []
    third = {t["name"] for t in out[2]["technologies"]}
    assert {"C#", "SQL Server", "Azure"} <= third


def test_a_bad_line_is_reported_and_the_rest_tagged():
    out = run_tag(['{"id": 1, "text": "Python"}', "{not json", '{"id": 3, "text": "Rust"}'])
    assert len(out) == 3
    assert "line 2" in out[1]["error"]
    assert [t["name"] for t in out[2]["technologies"]] == ["Rust"]
