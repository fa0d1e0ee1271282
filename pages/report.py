"""Report builder: the charts and tables added from other pages, ordered, with a title and notes;
downloaded as one self-contained HTML file or a PDF."""

from dataclasses import replace
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from radar import export, report, ui

items = ui.report_items()
st.title("Report builder")
st.caption("Add charts and tables with the **Add to report** button beside them on any page; "
           "each keeps the filters it had when added. The report lasts for this session.")
title = st.text_input("Report title", "Hiring Radar report", key="report_title")
notes = st.text_area("Notes (shown under the title)", key="report_notes")


def _move(index: int, step: int) -> None:
    st.session_state["report_items"] = report.move(ui.report_items(), index, step)


def _remove(index: int) -> None:
    st.session_state["report_items"] = report.remove(ui.report_items(), index)


if not items:
    st.info("The report is empty: open a page and press **Add to report** beside a chart.")
    st.stop()

current = []
for i, item in enumerate(items):
    uid = item.uid or f"{i}_{item.name}"
    with st.container(border=True, key=f"report_item_{i}"):
        st.markdown(f"**{i + 1}. {ui.plain(item.title)}**")
        st.caption(f"From {ui.plain(item.page)} · Filters: {ui.plain(item.filters)}")
        if item.kind == "chart":
            st.plotly_chart(go.Figure(item.figure), key=f"report_chart_{uid}", width="stretch")
        else:
            st.dataframe(item.table, hide_index=True, key=f"report_table_{uid}")
        note = st.text_area("Note for this item", item.note, key=f"report_note_{uid}")
        with st.container(horizontal=True):
            st.button("Move up", key=f"up_{uid}", on_click=_move, args=(i, -1),
                      disabled=i == 0, icon=":material/arrow_upward:")
            st.button("Move down", key=f"down_{uid}", on_click=_move, args=(i, 1),
                      disabled=i == len(items) - 1, icon=":material/arrow_downward:")
            st.button("Remove", key=f"remove_{uid}", on_click=_remove, args=(i,),
                      icon=":material/delete:")
    current.append(replace(item, note=note))
st.session_state["report_items"] = current

stem = export.safe_name(title or "report")
with st.container(horizontal=True):
    st.download_button("Download HTML report",
                       lambda: report.report_html(title, notes, current).encode(),
                       file_name=f"{stem}.html", mime="text/html", key="report_html",
                       on_click="ignore", icon=":material/download:", type="primary")
    if export.images_available():
        st.download_button("Download PDF report", partial(report.report_pdf, title, notes, current),
                           file_name=f"{stem}.pdf", mime="application/pdf", key="report_pdf",
                           on_click="ignore", icon=":material/download:")
    else:
        st.caption("A PDF needs Chromium, which is not installed here; the HTML report works "
                   "offline and prints to PDF from any browser.")
