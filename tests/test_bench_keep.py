"""`python -m etl.bench --keep-warehouse DIR`: the built warehouse outlives the bench run."""

from __future__ import annotations

import json

import pytest

from etl.bench import main


def test_build_only_keeps_the_warehouse(tmp_path, capsys):
    kept = tmp_path / "kept"
    assert main(["--n", "400", "--processes", "1", "--build-only", "--tmp", str(tmp_path / "t"),
                 "--keep-warehouse", str(kept)]) == 0
    manifest = json.loads((kept / "manifest.json").read_text())
    assert 0 < manifest["row_counts"]["postings"] <= 400
    assert f"warehouse kept in {kept}" in capsys.readouterr().out
    assert not list((tmp_path / "t").iterdir())  # the temporary folder itself is gone


def test_an_existing_folder_is_refused(tmp_path, capsys):
    (tmp_path / "kept").mkdir()
    with pytest.raises(SystemExit) as stop:
        main(["--build-only", "--keep-warehouse", str(tmp_path / "kept")])
    assert stop.value.code == 2
    assert "exists: name a new folder" in capsys.readouterr().err
