"""`--engine spark`: process_batch under PySpark's mapInArrow (local[2], 127.0.0.1) writes the
same warehouse as the in-process engine, table for table and row for row.

Needs Java and pyspark, which `make test` installs (`make spark`); no skip."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from etl.warehouse.build import build
from etl.warehouse.equality import warehouse_differences
from etl.warehouse.spark import SparkStager, spark_session, spark_uri
from tests.warehouse_equality import BUILD_TIME, SOURCES, write_raw_set

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def raw_set(tmp_path_factory) -> Path:
    return write_raw_set(tmp_path_factory.mktemp("raw"))


@pytest.fixture(scope="module")
def in_process(raw_set, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("in-process") / "warehouse"
    build(raw_set, warehouse, only=SOURCES, processes=1, log=lambda m: None, now=BUILD_TIME)
    return warehouse


def test_spark_session_stays_on_loopback(spark):
    conf = spark.sparkContext.getConf()
    assert spark.sparkContext.master == "local[2]"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.ui.enabled") == "false"


def test_spark_build_equals_in_process_row_for_row(spark, raw_set, in_process, tmp_path):
    # Through a staging folder apart from the build folder, as on a cluster (s3:// there).
    lines: list[str] = []
    warehouse, shared = tmp_path / "warehouse", tmp_path / "shared"
    manifest = build(raw_set, warehouse, only=SOURCES, log=lines.append, now=BUILD_TIME,
                     engine=SparkStager(spark, staging=str(shared)))

    assert any(line.startswith("sample:") and "(Spark)" in line for line in lines)
    assert any(line.startswith("spark: mapInArrow job") for line in lines)
    assert shared.is_dir() and not any(shared.iterdir())  # Spark's work there is cleaned up
    assert warehouse_differences(in_process, warehouse) == []
    # The comparison has something to compare: both sources, refused rows of both kinds.
    counts = manifest["row_counts"]
    assert counts["postings"] > 1000 and counts["posting_technologies"] > counts["postings"]
    by_source = {s["name"]: s for s in manifest["sources"]}
    assert by_source["own"]["postings"] == 2 and by_source["own"]["rejected"] == 4
    quarantine = pq.read_table(warehouse / "quarantine.parquet").to_pylist()
    assert {q["source"] for q in quarantine} == {"sample", "own"}
    assert by_source["sample"]["rejected"] > 0  # refused inside process_batch, on Spark


def test_spark_names_s3_as_s3a_and_paths_as_file_uris(tmp_path):
    assert spark_uri("s3://bucket/tmp/radar/") == "s3a://bucket/tmp/radar"
    assert spark_uri("hdfs://nn/tmp") == "hdfs://nn/tmp"
    assert spark_uri(str(tmp_path)) == tmp_path.resolve().as_uri()


def test_unsigned_keys_cross_spark_as_int64_and_come_back_unchanged():
    import pyarrow as pa

    from etl.warehouse.build import KEYS_SCHEMA
    from etl.warehouse.spark import SPARK_KEYS_SCHEMA, from_spark_keys, to_spark_keys

    top = 2**64 - 1
    row = {"row": 7, "posting_id": "p", "source": "s", "source_id": "1", "month": 24300,
           "day": 20000, "company_key": "acme", "title_key": "dev", "location_key": "",
           "fingerprint": top, "bands": [2**63, 1], "sketch": [2**32 - 1, 0], "shingles": 2}
    keys = pa.RecordBatch.from_pylist([row, {**row, "row": 8, "bands": None, "sketch": None}],
                                      schema=KEYS_SCHEMA)
    spark_form = to_spark_keys(keys)
    assert spark_form.schema == SPARK_KEYS_SCHEMA
    assert spark_form.column("fingerprint").to_pylist() == [-1, -1]  # the same 64 bits
    assert spark_form.column("bands").to_pylist() == [[-(2**63), 1], None]
    back = from_spark_keys(pa.Table.from_batches([spark_form]))
    assert back.equals(pa.Table.from_batches([keys]))
