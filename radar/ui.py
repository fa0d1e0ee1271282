"""The Streamlit edge: cached calls into the query layer, the shared sidebar, the URL state.

Pages stay thin: they read the shared filters, call named queries through :func:`data`, apply
:mod:`radar.rules`, hand frames to :mod:`radar.charts` and lay out with :mod:`radar.blocks`.
Filters are drawn once, in app.py; they and every page control made with :func:`url_control`
live in the URL, written once at the end of each run (app.py calls :func:`sync_url`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from etl.transforms.normalize import country_names
from radar import categories, charts, frontend, queries, report, rules, timeline
from radar.filters import URL_KEYS, Choices, Filters, from_query_params, to_query_params

CATEGORY_TITLES = {c: categories.titles()[c] for c in categories.HEADLINE}
# The page icon (app.py). An emoji, drawn as an inline data: SVG by the browser: a
# :material/...: favicon is fetched from fonts.gstatic.com, and no request may leave the app's
# host.
PAGE_ICON = "📡"
MIN_POSTINGS_FOR_SALARY = 20


def build_key() -> str:
    """Identifies the warehouse build now in place; part of every cache key."""
    folder = queries.resolved(None)
    return f"{folder}:{(folder / 'manifest.json').stat().st_mtime}"


# Results are shared by every session of the server; bounded by count and by pickled size (the
# largest result, a co-mention table, is about 0.3 MB), so the server's memory cannot grow with
# the number of filter combinations visited.
RESULT_CACHE_MAX_SIZE = "128MB"


@st.cache_data(show_spinner=False, max_entries=1024, max_size=RESULT_CACHE_MAX_SIZE)
def _cached_run(key: str, name: str, filters: Filters | None, params: tuple) -> pl.DataFrame:
    timeline.mark(f"query {name} run (not cached)")
    return queries.run(name, filters, **{k: list(v) if isinstance(v, tuple) else v
                                         for k, v in params})


def data(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """A named query's result for the filters, cached per warehouse build."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached_run(build_key(), name, filters, frozen)


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_choices(key: str) -> Choices:
    return queries.choices()


def choices() -> Choices:
    """The values each filter can take in the current warehouse."""
    return _cached_choices(build_key())


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_manifest(key: str) -> dict:
    return queries.manifest()


def manifest() -> dict:
    """The current warehouse's manifest."""
    return _cached_manifest(build_key())


def first_page_queries() -> list[tuple[str, dict]]:
    """The named queries (with their parameters) the Overview runs when it opens, in the order
    it runs them: the first chart's first."""
    return [("kpis", {}), ("postings_by_month", {}),
            ("tech_ranking", {"category": categories.HEADLINE[0]}),
            ("tech_ranking", {"category": ""}), ("indeed_index", {})]


def warm_first_page(mark: Callable[[str], None] = lambda _: None) -> None:
    """Fill the result caches the first session needs (filter values, manifest, the Overview's
    queries under the default filters) outside any session: the server does it while starting
    (radar/serve.py). ``mark`` is told of each step (the app bench's timeline)."""
    options = choices()
    manifest()
    mark("warm_up choices")
    filters = options.defaults()
    for name, params in first_page_queries():
        data(name, filters, **params)
        mark(f"warm_up {name}")
    warm_first_page_figures(filters, options.incomplete_month)
    mark("warm_up figures")


def warm_first_page_figures(filters: Filters, incomplete: dt.date | None) -> list:
    """The Overview's first two figures made once from the warmed results and turned to JSON,
    so Plotly has imported the property checks of line and bar charts (about 0.2-0.3 s on a
    process's first figure) before the first session draws them; returns the figures."""
    by_month = rules.monthly_figures(rules.postings_series(data("postings_by_month", filters)),
                                     Display.months, Display.min_postings, incomplete)
    top = data("tech_ranking", filters, category=categories.HEADLINE[0]).head(10)
    figures = [charts.postings_lines(by_month, "", Display.months, Display.min_postings),
               charts.top_bar(top, "", "")]
    for fig in figures:
        fig.to_json()
    return figures


def load_plotly_early() -> None:
    """Have the browser load and run Plotly's chart code now (app.py, first thing in a run),
    while the server computes the page: Streamlit's frontend asks for it only when the first
    chart arrives, so a cold browser would draw the first chart a bundle-download-and-parse
    later. Drawn once in the sidebar, as an invisible script element; the module it loads is
    the one the frontend's charts import (same address), so nothing runs twice."""
    name = frontend.plotly_bundle()
    if name:
        st.sidebar.html(f'<script type="module" src="./static/js/{name}"></script>',
                        unsafe_allow_javascript=True)


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
    names = country_names()
    with st.sidebar:
        st.header("Filters")
        months = _months(options.first_month, options.last_month)
        date_from, date_to = st.select_slider(
            "Months", options=months, value=(start.date_from, start.date_to), key="f_months",
            format_func=lambda d: f"{d:%Y-%m}" + (" (incomplete)"
                                                  if d == options.incomplete_month else ""))
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



@dataclass(frozen=True)
class Display:
    """How monthly figures are drawn: months averaged, fewest postings behind a figure drawn
    in full, and the month whose postings are not all in yet (None when every month is)."""

    months: int = 3
    min_postings: int = rules.MIN_POSTINGS
    incomplete: dt.date | None = None


def display_settings() -> Display:
    """Draw the display settings under the filters (in app.py); kept in the URL."""
    with st.sidebar:
        st.header("Display")
        rolling = url_control(st.toggle, "3-month rolling mean", "rolling", [True, False], True,
                              help="Each month shows the mean of the 3 months ending there "
                                   "(weighted by postings), so one odd month does not jump out.")
        min_n = url_control(st.number_input, "Fewest postings behind a figure", "min_n",
                            range(1, 10_001), rules.MIN_POSTINGS, min_value=1, max_value=10_000,
                            step=5, help="Figures resting on fewer postings are drawn hollow "
                                         "and grey, and are not ranked.")
    display = Display(3 if rolling else 1, int(min_n), choices().incomplete_month)
    st.session_state["display"] = display
    return display


def display() -> Display:
    """The display settings drawn in app.py for this run."""
    return st.session_state.get("display") or Display(incomplete=choices().incomplete_month)


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


def _url_controls() -> dict[str, str]:
    """The page controls' URL values registered in this run (see :func:`url_control`)."""
    return st.session_state.setdefault("url_controls", {})


def start_run() -> None:
    """Forget the page controls of the previous run (app.py, before the sidebar)."""
    st.session_state["url_controls"] = {}


def _wanted_url() -> dict[str, str]:
    return to_query_params(current_filters(), choices(), _url_controls())


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Write the filters and this run's page controls (plus ``extra``) to the URL, so a link
    reproduces the view. app.py calls it once after the page has run."""
    if extra:
        _url_controls().update(extra)
    if "filters" not in st.session_state:
        return
    wanted = _wanted_url()
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


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


def _text(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def url_control(widget: Callable, label: str, key: str, options: Sequence, default,
                **kwargs):
    """A page control whose value lives in the URL, in one call: its value starts from a shared
    link (values not among ``options`` are refused with a notice), the widget is drawn, and its
    value is written to the URL when it is not the default. A multiselect holds a list.

    ``widget`` is a Streamlit input (st.radio, st.selectbox, st.multiselect, st.pills,
    st.slider, st.toggle, ...); ``options`` are the values it may take; a list ``default``
    makes a control of many values. Inputs that do not take
    options (slider, number_input, toggle, checkbox) get only ``kwargs`` (min/max and so on).
    """
    many = isinstance(default, list)
    from_link(key, list(options), default, many=many)
    if many:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    if widget in (st.slider, st.number_input, st.toggle, st.checkbox):
        value = widget(label, key=key, **kwargs)
    else:
        value = widget(label, list(options), key=key, **kwargs)
    if value != default and value is not None and _text(value):
        _url_controls()[key] = _text(value)
    else:
        _url_controls().pop(key, None)
    return value


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
    """A link to the current view: the page's address with the filters and the page controls
    drawn so far in this run."""
    base = st.context.url or ""
    query = urlencode(_wanted_url()) if "filters" in st.session_state else ""
    return f"{base}?{query}" if query else base


def page_category() -> categories.Category:
    """The category of the technology page being shown (its address, set in app.py)."""
    found = categories.by_url_path(st.session_state.get("page_url_path", ""))
    return found or categories.category_pages()[0]


def report_items() -> list[report.Item]:
    """The report being built in this session."""
    return st.session_state.setdefault("report_items", [])


def add_to_report(item: report.Item) -> None:
    items = report_items()
    items.append(replace(item, uid=uuid.uuid4().hex[:10]))
    st.toast(f"Added to the report ({len(items)} item{'s' if len(items) > 1 else ''}).")
