"""The requirement columns (degree, equivalent experience, years) in the schema and the rows."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from etl.transforms.normalize import posting_row
from etl.warehouse.schema import POSTINGS_SCHEMA, posting_problems

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def staging(**kw) -> dict:
    row = {"source_id": "7", "posted_date": dt.date(2024, 3, 5), "title": "Backend Engineer",
           "description": "Build APIs.", "location_raw": "Berlin, Germany"}
    row.update(kw)
    return row


def test_columns_are_nullable_with_the_agreed_types():
    assert POSTINGS_SCHEMA.field("degree").type == pa.string()
    assert POSTINGS_SCHEMA.field("degree_equivalent").type == pa.bool_()
    assert POSTINGS_SCHEMA.field("min_years_experience").type == pa.int16()
    assert all(POSTINGS_SCHEMA.field(n).nullable
               for n in ("degree", "degree_equivalent", "min_years_experience"))


def test_values_given_by_a_source_flow_through_posting_row():
    row = posting_row(staging(degree="master", degree_equivalent=True,
                              min_years_experience=4), "src", NOW)
    assert (row["degree"], row["degree_equivalent"], row["min_years_experience"]) == (
        "master", True, 4)
    pa.Table.from_pylist([row], schema=POSTINGS_SCHEMA)  # fits the Arrow schema


def test_a_degree_outside_the_list_is_a_problem():
    row = posting_row(staging(), "src", NOW)
    assert posting_problems({**row, "degree": "diploma"}) == [
        "degree='diploma' is not one of none_stated, bachelor, master, phd"]
