"""About the data: sources, coverage, what "share" means, taxonomy version, rejected rows."""

import polars as pl
import streamlit as st

from radar import ui
from radar.history import embedded_history_text as history_text

manifest = ui.manifest()
st.title("About the data")
st.markdown(
    "**What a share means.** The share of a technology in a month is the number of postings "
    "that mention it (in the title or the text, under the tagging policy) divided by all "
    "postings of that month that match the filters. A posting counts once per technology, "
    "however often it names it. Changes are given in percentage points (pp) between the last "
    "12 months of the range and the 12 months before.")
st.markdown(
    "**What a month counts.** A posting counts in the month it was posted; an HN posting in the "
    "month of its \"Who is hiring?\" thread. The same posting twice in one month, or from two "
    "sources in one month, counts once; a company that posts again in next month's thread "
    "counts again in that month (the job is still advertised, as the published HN series count "
    "it).")
cols = st.columns(3)
cols[0].metric("Postings in the warehouse", f"{manifest['row_counts']['postings']:,}")
cols[1].metric("Taxonomy version", manifest["taxonomy_version"])
cols[2].metric("Built", manifest["built_at"][:16].replace("T", " "))

history = manifest.get("embedded")
if history:
    st.subheader("Embedded real history")
    st.markdown(history_text(history))

st.subheader("Sources")
sources = pl.DataFrame(manifest["sources"]).select(
    "title", "name", "kind", "rows_read", "rejected", "postings", "first_date", "last_date",
    (pl.col("dedup_rate") * 100).round(2).alias("dedup rate %"), "licence")
st.dataframe(sources, hide_index=True, key="sources_table")

st.subheader("Coverage")
st.dataframe(ui.data("coverage_by_source"), hide_index=True, key="coverage_table")

st.subheader("Rows refused by the build")
refused = ui.data("quarantine_summary")
if refused.is_empty():
    st.write("None.")
else:
    st.dataframe(refused, hide_index=True, key="quarantine_table")
