"""s3:// raw roots and warehouse prefixes (pyarrow.fs) against moto's S3 server on 127.0.0.1:
a build from and to S3 equals the local build, with both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.warehouse.build import build
from etl.warehouse.equality import warehouse_differences
from etl.warehouse.storage import (
    POINTER,
    build_at,
    current_warehouse,
    download_warehouse,
    local_raw,
)
from tests.s3_server import BUCKET, keys_under, s3_server, upload
from tests.warehouse_equality import BUILD_TIME, SOURCES, write_raw_set


@pytest.fixture(scope="module")
def raw_set(tmp_path_factory) -> Path:
    return write_raw_set(tmp_path_factory.mktemp("raw"), n=600)


@pytest.fixture(scope="module")
def local_warehouse(raw_set, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("local") / "warehouse"
    build(raw_set, warehouse, only=SOURCES, processes=1, log=lambda m: None, now=BUILD_TIME)
    return warehouse


@pytest.fixture(scope="module")
def s3(raw_set):
    with s3_server():
        upload(raw_set, f"s3://{BUCKET}/raw")
        yield f"s3://{BUCKET}"


def test_raw_root_on_s3_is_read_through_a_local_copy(s3, raw_set):
    with local_raw(f"{s3}/raw", only=["own"]) as raw:
        copied = sorted(str(p.relative_to(raw)) for p in raw.rglob("*") if p.is_file())
        assert copied == sorted(str(p.relative_to(raw_set)) for p in (raw_set / "own").rglob("*")
                                if p.is_file())
    assert not raw.exists()  # the copy is gone after the build


def test_build_from_and_to_s3_equals_the_local_build(s3, local_warehouse, tmp_path):
    prefix = f"{s3}/warehouse"
    with local_raw(f"{s3}/raw", SOURCES) as raw:
        build_at(raw, prefix, only=SOURCES, processes=1, log=lambda m: None, now=BUILD_TIME)
    build_uri = current_warehouse(prefix)
    objects = keys_under(build_uri)
    assert "manifest.json" in objects and any(k.startswith("postings/20") for k in objects)
    copy = download_warehouse(prefix, tmp_path / "copy")
    assert warehouse_differences(local_warehouse, copy) == []


def test_a_second_build_moves_current_and_keeps_one_previous(s3):
    prefix = f"{s3}/rebuilds"
    names = []
    for _ in range(3):
        with local_raw(f"{s3}/raw", ["own"]) as raw:
            build_at(raw, prefix, only=["own"], processes=1, log=lambda m: None)
        names.append(current_warehouse(prefix).rsplit("/", 1)[1])
    assert len(set(names)) == 3
    tops = {key.split("/", 1)[0] for key in keys_under(prefix)}
    assert tops == {POINTER, names[1], names[2]}  # the oldest build is deleted


def test_missing_current_is_a_clear_error(s3):
    with pytest.raises(FileNotFoundError, match="no CURRENT object"):
        current_warehouse(f"{s3}/nothing-here")


@pytest.mark.spark
def test_spark_engine_from_and_to_s3_on_the_command_line(s3, local_warehouse, tmp_path):
    from etl.__main__ import main

    prefix = f"{s3}/spark-warehouse"
    argv = ["build", "--engine", "spark", "--raw", f"{s3}/raw", "--warehouse", prefix,
            "--no-embedded"] + [arg for source in SOURCES for arg in ("--only", source)]
    assert main(argv) == 0
    copy = download_warehouse(prefix, tmp_path / "copy")
    # The command line's build time is the clock's: every other value must be equal.
    assert warehouse_differences(local_warehouse, copy, same_clock=False) == []
