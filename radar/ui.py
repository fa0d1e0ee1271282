"""The Streamlit edge: cached calls into the query layer, the shared filters, page building blocks.

Pages stay thin: they read the shared filters, call named queries through :func:`data`, hand
frames to :mod:`radar.charts` and lay out. Filters are drawn once, in app.py, and live in the URL.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from urllib.parse import urlencode

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from etl.transforms.normalize import country_names
from radar import charts, export, queries, report, trace
from radar.filters import URL_KEYS, Choices, Filters, from_query_params, to_query_params

CATEGORY_TITLES = {"language": "Languages", "database": "Databases", "cloud": "Cloud platforms"}
MIN_POSTINGS_FOR_CHANGE = 30
MIN_POSTINGS_FOR_SALARY = 20
TRACE_LIMIT = 50


def build_key() -> str:
    """Identifies the warehouse build now in place; part of every cache key."""
    folder = queries.resolved(None)
    return f"{folder}:{(folder / 'manifest.json').stat().st_mtime}"


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_run(key: str, name: str, filters: Filters | None, params: tuple) -> pl.DataFrame:
    return queries.run(name, filters, **{k: list(v) if isinstance(v, tuple) else v
                                         for k, v in params})


def data(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """A named query's result for the filters, cached per warehouse build."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached_run(build_key(), name, filters, frozen)


@st.cache_data(show_spinner=False)
def _cached_choices(key: str) -> Choices:
    return queries.choices()


def choices() -> Choices:
    """The values each filter can take in the current warehouse."""
    return _cached_choices(build_key())


@st.cache_data(show_spinner=False)
def _cached_manifest(key: str) -> dict:
    return queries.manifest()


def manifest() -> dict:
    """The current warehouse's manifest."""
    return _cached_manifest(build_key())


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _label(value: str) -> str:
    return value.replace("_", " ")


def sidebar_filters() -> Filters:
    """Draw the shared filters once (in app.py); they start from and are written to the URL."""
    options = choices()
    if "filters_start" not in st.session_state:
        # The URL sets the widgets' initial values once per session; after that the widgets
        # own their state. (Initial values go in as value/default, not through session state:
        # AppTest loses a range select_slider's second end when seeded through session state.)
        start, notices = from_query_params(dict(st.query_params.to_dict()), options)
        st.session_state.update({
            "filters_start": start, "url_notices": notices,
            "url_extra": {k: v for k, v in st.query_params.to_dict().items()
                          if k not in URL_KEYS}})
    start = st.session_state["filters_start"]
    st.session_state["url_synced"] = False
    names = country_names()
    with st.sidebar:
        st.header("Filters")
        months = _months(options.first_month, options.last_month)
        date_from, date_to = st.select_slider(
            "Months", options=months, value=(start.date_from, start.date_to), key="f_months",
            format_func=lambda d: f"{d:%Y-%m}")
        countries = st.multiselect("Country", options.countries, default=list(start.countries),
                                   key="f_countries", placeholder="All countries",
                                   format_func=lambda c: f"{names.get(c, c)} ({c})")
        remote = st.multiselect("Remote", options.remote, default=list(start.remote),
                                key="f_remote", placeholder="All")
        seniority = st.multiselect("Seniority", options.seniority, default=list(start.seniority),
                                   key="f_seniority", placeholder="All")
        role_family = st.multiselect("Role family", options.role_family,
                                     default=list(start.role_family), key="f_role_family",
                                     format_func=_label, placeholder="All")
        sources = st.multiselect("Source", options.sources, default=list(start.sources),
                                 key="f_sources", placeholder="All")
    filters = Filters(date_from, date_to, tuple(countries), tuple(remote), tuple(seniority),
                      tuple(role_family), tuple(sources))
    st.session_state["filters"] = filters
    return filters



def current_filters() -> Filters:
    """The filters drawn in app.py for this run."""
    if "filters" not in st.session_state:
        _run_through_app()
    return st.session_state["filters"]


def _run_through_app() -> None:
    """A page ran without app.py: Streamlit's first run in a process takes the old `pages/`
    folder route when the link names a page. Switch that route off and rerun the same page
    through app.py (navigation, shared filters), so a shared link works on a fresh server."""
    from streamlit.runtime.pages_manager import PagesManager
    PagesManager.uses_pages_directory = False
    st.rerun()


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Write the filters (and a page's own choices) to the URL so a link reproduces the view."""
    wanted = to_query_params(current_filters(), choices(), extra)
    st.session_state["url_synced"] = True
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


def sync_url_if_needed() -> None:
    """After a page ran: put the filters in the URL if the page did not (About, Report)."""
    if not st.session_state.get("url_synced"):
        sync_url()


def plain(text: str) -> str:
    """Text from a link made safe to show in Markdown: every Markdown character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def show_notices() -> None:
    """Say which URL values were refused, once per session."""
    for notice in st.session_state.pop("url_notices", []):
        st.warning(f"Link not fully understood: {plain(notice)}. Defaults are shown instead.")


def from_link(key: str, allowed: Sequence, default, many: bool = False) -> None:
    """Seed a page control's state from the link once per session; values not in ``allowed``
    give a notice and the default. Integers are matched by their text."""
    if key in st.session_state:
        return
    raw = st.session_state.get("url_extra", {}).get(key)
    by_text = {str(a): a for a in allowed}
    if raw is None or raw == "":
        st.session_state[key] = default
        return
    asked = [v.strip() for v in str(raw).split(",") if v.strip()] if many else [str(raw)]
    good = [by_text[v] for v in asked if v in by_text]
    bad = [v for v in asked if v not in by_text]
    if bad:
        st.warning(f"Link not fully understood: {plain(key)} {plain(', '.join(bad)[:200])} "
                   "ignored.")
    if many:
        st.session_state[key] = good or default
    else:
        st.session_state[key] = good[0] if good else default


def sample_banner() -> None:
    """A visible notice on every page while the warehouse holds only the synthetic sample."""
    if manifest().get("sample_only"):
        st.warning("**Sample data.** The warehouse holds only the embedded synthetic sample: "
                   "the figures show how the dashboard works, not the real job market. "
                   "See *About the data* to load real sources.", icon=":material/science:")


def footer(filters: Filters, n_postings: int) -> str:
    """The provenance footer for a chart under the current filters."""
    titles = {s["name"]: s["title"] for s in manifest()["sources"]}
    chosen = filters.sources or tuple(s for s in titles if s in choices().sources)
    return charts.footer_text(filters.describe(), ", ".join(titles.get(s, s) for s in chosen),
                              n_postings, manifest().get("sample_only", False))


def page_title() -> str:
    """The title of the page being shown (set in app.py)."""
    return st.session_state.get("page_title", "")


def view_link() -> str:
    """A link to the current view: the page's address with the filters and choices."""
    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


def report_items() -> list[report.Item]:
    """The report being built in this session."""
    return st.session_state.setdefault("report_items", [])


def _add_to_report(item: report.Item) -> None:
    items = report_items()
    items.append(replace(item, uid=uuid.uuid4().hex[:10]))
    st.toast(f"Added to the report ({len(items)} item{'s' if len(items) > 1 else ''}).")


def _image_bytes(fig: go.Figure, fmt: str) -> bytes:
    return export.figure_bytes(fig, fmt)


def show_chart(fig: go.Figure, frame: pl.DataFrame, name: str, selectable: bool = False):
    """A chart with its exports (PNG, SVG, PDF, CSV, Parquet) and "Add to report" beside it.

    Image files are made only when asked for (a callable given to the download button), by the
    one Chromium the process shares. With ``selectable``, clicking a point reruns the page and
    the selection is returned.
    """
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
        item = report.chart_item(fig, frame, name, page_title(), current_filters().describe(),
                                 view_link())
        st.button("Add to report", key=f"add_{name}", on_click=_add_to_report, args=(item,),
                  icon=":material/note_add:")
    return event


def add_table_button(frame: pl.DataFrame, title: str, name: str) -> None:
    """An "Add to report" button for a table."""
    item = report.table_item(frame, title, name, page_title(), current_filters().describe(),
                             view_link())
    st.button("Add table to report", key=f"add_{name}", on_click=_add_to_report, args=(item,),
              icon=":material/note_add:")


def chosen_technologies(category: str, ranking: pl.DataFrame, default_n: int = 6) -> list[str]:
    """The technologies to plot: from the URL at first, else the top few; a multiselect."""
    names = dict(zip(ranking["technology_id"].to_list(), ranking["name"].to_list(), strict=True))
    key = f"tech_{category}"
    from_link(key, list(names), ranking["technology_id"].head(default_n).to_list(), many=True)
    st.session_state[key] = [t for t in st.session_state[key] if t in names]
    return st.multiselect("Technologies to plot", list(names), key=key,
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
    rows = data("postings_behind", current_filters(), technology_id=tech, month=month,
                limit=TRACE_LIMIT)
    st.markdown(f"**{count:,} of {total:,} postings** in {month:%Y-%m} mention "
                f"{plain(names.get(tech, tech))}"
                + (f"; the first {rows.height} are listed." if count > rows.height else "."))
    if rows.height:
        st.html(f"<style>{TRACE_STYLE}</style>" + trace.postings_html(rows))


TRACE_STYLE = """
table.postings-behind { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.postings-behind td, table.postings-behind th { border-bottom: 1px solid #e5e7eb;
  padding: 4px 8px; text-align: left; vertical-align: top; }
table.postings-behind mark { background: #fde68a; padding: 0 2px; }
"""


def technology_page(category: str) -> None:
    """Languages, Databases and Cloud platforms: share per month, chosen technologies, ranking."""
    filters = current_filters()
    title = CATEGORY_TITLES[category]
    st.title(title)
    ranking = data("tech_ranking", filters, category=category)
    if ranking.is_empty():
        sync_url()
        st.info("No postings match the filters.")
        return
    chosen = chosen_technologies(category, ranking)
    metric_key = f"metric_{category}"
    from_link(metric_key, ["share", "count"], "share")
    metric = st.radio("Show", ["share", "count"], horizontal=True, key=metric_key,
                      format_func={"share": "Share of postings (%)",
                                   "count": "Postings (count)"}.get)
    extra = {f"tech_{category}": ",".join(chosen)} if chosen else {}
    if metric != "share":
        extra[metric_key] = metric
    sync_url(extra or None)
    n_postings = int(data("kpis", filters)["postings"][0])
    if chosen:
        series = data("tech_share_by_month", filters, technologies=chosen)
        fig = charts.share_over_time(series, footer(filters, n_postings), metric,
                                     f"{title}: share of postings mentioning each, per month")
        event = show_chart(fig, series, export.chart_name(title.split()[0].lower(), "share",
                                                          filters, chosen), selectable=True)
        postings_behind(category, series, event)
    st.subheader(f"Ranking with the 12-month change ({n_postings:,} postings)")
    table = ranking.select(
        pl.col("name").alias(title[:-1] if title.endswith("s") else title),
        pl.col("postings"), (pl.col("share") * 100).round(2).alias("share %"),
        (pl.col("share_recent") * 100).round(2).alias("share last 12 m %"),
        pl.col("change_pp").round(2).alias("change (pp)"),
        pl.col("recent_postings").alias("n last 12 m"))
    st.dataframe(table, hide_index=True, width="stretch", key=f"ranking_{category}")
    add_table_button(table, f"{title}: ranking with the 12-month change",
                     export.chart_name(title.split()[0].lower(), "ranking", filters))
