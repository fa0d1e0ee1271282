"""The pipeline's layout: no module of this repository is imported behind a guard that hides
its breakage (a failed import must fail loudly, not build a warehouse without a stage)."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_ROOT

GUARD = re.compile(r"except\s+(?:\(?\s*)?(?:ImportError|ModuleNotFoundError)")


def test_no_import_guards_around_the_repositorys_own_modules():
    guarded = []
    for folder in ("etl", "radar", "pages"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if GUARD.search(path.read_text(encoding="utf-8")):
                guarded.append(str(path.relative_to(PROJECT_ROOT)))
    if GUARD.search((PROJECT_ROOT / "app.py").read_text(encoding="utf-8")):
        guarded.append("app.py")
    assert guarded == []


def test_the_query_layer_learns_table_schemas_from_the_schema_module_not_from_loaders():
    loaders = re.compile(r"^\s*(?:from|import)\s+etl\.sources\b", re.MULTILINE)
    # radar/admin.py is what the Data page does with sources (ingest, the survey years a loader
    # reads), not the query layer: it is the one module of radar/ that may ask a loader
    importing = [str(p.relative_to(PROJECT_ROOT)) for p in sorted((PROJECT_ROOT / "radar")
                 .rglob("*.py")) if p.name != "admin.py"
                 and loaders.search(p.read_text(encoding="utf-8"))]
    assert importing == []
    from etl.warehouse import schema
    from radar import queries
    assert queries.OPTIONAL_TABLES == {"survey_respondents": schema.RESPONDENTS_SCHEMA,
                                       "survey_technologies": schema.TECHNOLOGIES_SCHEMA,
                                       "indeed_index": schema.INDEX_SCHEMA}
