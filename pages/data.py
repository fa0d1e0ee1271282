"""Data: the loaded sources, and starting an ingest of a free source, then a rebuild."""

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from etl.warehouse import progress
from radar import admin, queries, ui

st.title("Data")
manifest = ui.manifest()
st.subheader("Loaded sources")
st.dataframe(pl.DataFrame(manifest["sources"]).select(
    "name", "title", "kind", "postings", "rows_read", "rejected", "first_date", "last_date",
    (pl.col("dedup_rate") * 100).round(2).alias("dedup rate %"),
    pl.col("tables").map_elements(lambda t: ", ".join(f"{k}: {v:,}" for k, v in t.items()),
                                  return_dtype=pl.String).alias("tables")),
    hide_index=True)
root = admin.raw_root()
st.caption(f"Built {manifest['built_at']} from {root}. Raw files on disk:")
st.dataframe(admin.raw_inventory(root), hide_index=True)


def run_with_progress(label: str, argv: list[str]) -> None:
    bar = st.progress(0.0, text=label)

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=message[:200])

    report = admin.run_ingest(argv, root, progress)
    bar.progress(1.0, text=report.summary())
    for error in report.errors:
        st.error(error)
    if report.files_written:
        st.success(f"{report.summary()}. Rebuild the warehouse to include them.")


st.subheader("Fetch Hacker News “Who is hiring?” threads")
with st.form("hn_form"):
    today = dt.date.today().replace(day=1)
    since = st.date_input("First month", dt.date(today.year - 1, today.month, 1), key="hn_since")
    until = st.date_input("Last month", today, key="hn_until")
    if st.form_submit_button("Fetch threads"):
        try:
            run_with_progress("Fetching HN threads…", admin.hn_argv(since, until))
        except ValueError as err:
            st.error(str(err))

st.subheader("Upload a file")
with st.form("upload_form"):
    source = st.selectbox("What the file is", list(admin.UPLOADABLE),
                          format_func=admin.UPLOADABLE.get, key="upload_source")
    uploaded = st.file_uploader("File", type=["csv", "jsonl", "json", "parquet"],
                                key="upload_file")
    years = admin.survey_years()
    year = st.selectbox("Survey year (survey files only)", years, index=len(years) - 1,
                        key="upload_year")
    column_map = st.text_area("Column map (your own file only): source_col=schema_col, ...",
                              key="upload_map")
    if st.form_submit_button("Store file") and uploaded is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(uploaded.name).name
            path.write_bytes(uploaded.getvalue())
            try:
                run_with_progress(f"Storing {uploaded.name}…",
                                  admin.upload_argv(source, path, int(year), column_map))
            except (ValueError, SystemExit) as err:
                st.error(f"{uploaded.name}: {err}")

st.subheader("Rebuild the warehouse")
st.caption("The build runs in its own process (`python -m etl build`), not in this server: the "
           "app stays responsive, and this section follows its progress.")
warehouse = queries.warehouse_path()
if st.button("Rebuild now", key="rebuild"):
    try:
        pid = progress.start_build(root, warehouse, embedded="embedded" in manifest)
        st.session_state["rebuild_pid"] = pid
    except admin.BuildRunning as err:
        st.warning(f"A build is running: {err}")


def show_build(status: dict | None) -> None:
    """The last build started from the app: stage and log while it runs, then its outcome."""
    if status is None:
        return
    done = [f"{d['stage']} ({d['seconds']:.1f} s)" for d in status["done"]
            if d["stage"] != "finished"]
    if status["state"] in progress.RUNNING:
        stage = status["stage"] or "starting"
        st.progress(min(status["stage_number"] / status["stages"], 1.0),
                    text=f"Build running (process {status['pid']}), stage "
                         f"{max(status['stage_number'], 1)} of {status['stages']}: {stage}")
    elif status["state"] == "done":
        st.success(f"Rebuilt in {status['seconds']:.0f} s: {status['postings']:,} postings "
                   f"(process {status['pid']}, finished {status['finished_at']}).")
    else:
        st.error(f"The build started {status['started_at']} failed: {status.get('error')}")
    if done:
        st.caption("Stages done: " + "; ".join(done))
    for line in status["log"][-8:]:
        st.text(line)


status = progress.read_status(warehouse)
running = status is not None and status["state"] in progress.RUNNING


@st.fragment(run_every=1.0 if running else None)
def build_progress() -> None:
    """Polls the build's progress file every second while it runs."""
    current = progress.read_status(warehouse)
    show_build(current)
    if running and current is not None and current["state"] not in progress.RUNNING:
        st.rerun()  # finished: a full run picks up the new warehouse and stops polling


build_progress()
