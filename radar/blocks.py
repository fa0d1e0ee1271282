"""Page blocks: the pieces every page is made of, drawn with Streamlit.

A chart with its export menu and "Add to report" button, a table with its report button, the
technology picker, the postings behind a figure, and the ranking table. Data comes in as frames;
data access, the URL and the session are :mod:`radar.ui`'s.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from radar import export, first_paint, report, trace, ui

TRACE_LIMIT = 50
TOGETHER_LIMIT = 20


def _image_bytes(fig: go.Figure, fmt: str) -> bytes:
    return export.figure_bytes(fig, fmt)


def show_chart(fig: go.Figure, frame: pl.DataFrame, name: str, selectable: bool = False,
               drawn_first: bool = False):
    """A chart with its exports (PNG, SVG, PDF, CSV, Parquet) and "Add to report" beside it.

    Image files are made only when asked for (a callable given to the download button), by the
    one Chromium the process shares. With ``selectable``, clicking a point reruns the page and
    the selection is returned. With ``drawn_first`` (the start page's first chart), the figure
    is also sent as a drawing the browser shows without plotly.js until the chart replaces it
    (:mod:`radar.first_paint`); sent on every run, so the chart keeps its place among the
    page's elements.
    """
    drawing = first_paint.lines_html(fig) if drawn_first else None
    if drawing:
        st.markdown(drawing, unsafe_allow_html=True)
    if selectable:
        event = st.plotly_chart(fig, key=f"chart_{name}", width="stretch", on_select="rerun",
                                selection_mode="points")
    else:
        event = None
        st.plotly_chart(fig, key=f"chart_{name}", width="stretch")
    with st.container(horizontal=True, key=f"exports_{name}", gap="small"):
        with st.popover("Export", icon=":material/download:", key=f"export_{name}"):
            if export.images_available():
                for fmt in export.IMAGE_FORMATS:
                    st.download_button(f"Image ({fmt.upper()})", partial(_image_bytes, fig, fmt),
                                       file_name=export.filename(name, fmt),
                                       mime=export.MIME[fmt], key=f"{fmt}_{name}",
                                       on_click="ignore", width="stretch")
            else:
                st.caption("Images need Chromium, which is not installed here: "
                           "download the chart as an interactive HTML file instead.")
                st.download_button("Chart (HTML)", partial(_image_bytes, fig, "html"),
                                   file_name=export.filename(name, "html"),
                                   mime=export.MIME["html"], key=f"html_{name}",
                                   on_click="ignore", width="stretch")
            for fmt, label in (("csv", "Data (CSV)"), ("parquet", "Data (Parquet)")):
                st.download_button(label, partial(export.frame_bytes, frame, fmt),
                                   file_name=export.filename(name, fmt), mime=export.MIME[fmt],
                                   key=f"{fmt}_{name}", on_click="ignore", width="stretch")
        item = report.chart_item(fig, frame, name, ui.page_title(),
                                 ui.current_filters().describe(), ui.view_link())
        st.button("Add to report", key=f"add_{name}", on_click=ui.add_to_report, args=(item,),
                  icon=":material/note_add:")
    return event


def add_table_button(frame: pl.DataFrame, title: str, name: str) -> None:
    """An "Add to report" button for a table."""
    item = report.table_item(frame, title, name, ui.page_title(),
                             ui.current_filters().describe(), ui.view_link())
    st.button("Add table to report", key=f"add_{name}", on_click=ui.add_to_report, args=(item,),
              icon=":material/note_add:")


def technology_picker(ranking: pl.DataFrame, key: str, default_n: int = 6,
                      label: str = "Technologies to plot", default: list[str] | None = None,
                      with_category: bool = False) -> list[str]:
    """A multiselect of the ranking's technologies, kept in the URL; at first ``default`` or
    the top few. ``with_category`` names each with its category (for pickers across them)."""
    names = dict(zip(ranking["technology_id"].to_list(), ranking["name"].to_list(), strict=True))
    if with_category:
        names = {t: f"{n} ({c.replace('_', ' ')})" for t, n, c in ranking.select(
            "technology_id", "name", "category").iter_rows()}
    return ui.url_control(st.multiselect, label, key, list(names),
                          default if default is not None
                          else ranking["technology_id"].head(default_n).to_list(),
                          format_func=lambda t: names.get(t, t))


def _picked_point(event, category: str) -> None:
    """A clicked point of the share chart chooses the technology and month of the panel below."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return
    point = points[0]
    custom = point.get("customdata") or []
    picked = (custom[0] if custom else None, str(point.get("x", ""))[:10])
    if picked[0] and picked != st.session_state.get(f"trace_picked_{category}"):
        st.session_state[f"trace_picked_{category}"] = picked
        st.session_state[f"trace_tech_{category}"] = picked[0]
        try:
            st.session_state[f"trace_month_{category}"] = dt.date.fromisoformat(picked[1])
        except ValueError:
            pass


def postings_behind(category: str, series: pl.DataFrame, event=None) -> None:
    """The postings behind one technology x month figure: choose them, or click a point."""
    _picked_point(event, category)
    st.subheader("Postings behind a figure")
    st.caption("Pick a technology and a month, or click a point on the chart above, to read the "
               "postings counted there, with the words that matched and the taxonomy rule.")
    names = dict(zip(series["technology_id"], series["name"], strict=False))
    months = sorted(series["month"].unique().to_list(), reverse=True)
    for key, options in ((f"trace_tech_{category}", list(names)),
                         (f"trace_month_{category}", months)):
        if st.session_state.get(key) not in options:
            st.session_state.pop(key, None)
    left, right = st.columns(2)
    tech = left.selectbox("Technology", list(names), format_func=names.get,
                          key=f"trace_tech_{category}")
    month = right.selectbox("Month", months, format_func=lambda d: f"{d:%Y-%m}",
                            key=f"trace_month_{category}")
    cell = series.filter((pl.col("technology_id") == tech) & (pl.col("month") == month))
    count, total = (int(cell["postings"][0]), int(cell["total"][0])) if cell.height else (0, 0)
    rows = ui.data("postings_behind", ui.current_filters(), technology_id=tech, month=month,
                limit=TRACE_LIMIT)
    st.markdown(f"**{count:,} of {total:,} postings** in {month:%Y-%m} mention "
                f"{ui.plain(names.get(tech, tech))}"
                + (f"; the first {rows.height} are listed." if count > rows.height else "."))
    if rows.height:
        st.html(f"<style>{TRACE_STYLE}</style>" + trace.postings_html(rows))


TRACE_STYLE = """
table.postings-behind { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.postings-behind td, table.postings-behind th { border-bottom: 1px solid #e5e7eb;
  padding: 4px 8px; text-align: left; vertical-align: top; }
table.postings-behind mark { background: #fde68a; padding: 0 2px; }
"""


def ranking_table(ranking: pl.DataFrame, column: str, title: str, name: str, key: str) -> None:
    """The ranking of a category with the 12-month change, and its "Add to report" button."""
    table = ranking.select(
        pl.col("name").alias(column),
        pl.col("postings"), (pl.col("share") * 100).round(2).alias("share %"),
        (pl.col("share_recent") * 100).round(2).alias("share last 12 m %"),
        pl.col("change_pp").round(2).alias("change (pp)"),
        pl.col("recent_postings").alias("n last 12 m"))
    st.dataframe(table, hide_index=True, width="stretch", key=key)
    add_table_button(table, title, name)


def picked(event) -> dict | None:
    """The first point clicked on a chart drawn with ``selectable`` (None when none)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    return points[0] if points else None


def clicked_choice(event, key: str, index: int) -> None:
    """A clicked bar of a ``selectable`` chart sets control ``key`` to the bar's
    customdata[index], once per click (the control then stays the user's)."""
    point = picked(event)
    custom = (point or {}).get("customdata") or []
    value = custom[index] if len(custom) > index else None
    if value and value != st.session_state.get(f"{key}_clicked"):
        st.session_state[f"{key}_clicked"] = value
        st.session_state[key] = value


def postings_together(key: str, technology: str, partners: list[str], names: dict[str, str],
                      what: str) -> None:
    """The postings behind a co-mention figure: those naming ``technology`` and one of
    ``partners`` (``what`` says so in words), with the words that matched."""
    rows = ui.data("postings_together", ui.current_filters(), technology_id=technology,
                   partners=partners, limit=TOGETHER_LIMIT)
    count = int(rows["matching"][0]) if rows.height else 0
    st.markdown(f"**{count:,} postings** name {ui.plain(what)}"
                + (f"; the latest {rows.height} are listed." if count > rows.height else "."))
    if rows.height:
        shown = rows.with_columns(
            pl.when(pl.col("partners").is_not_null())
            .then(pl.format("{} · with {}", "rule", "partners")).otherwise("rule").alias("rule"))
        st.html(f"<style>{TRACE_STYLE}</style>" + trace.postings_html(shown))
