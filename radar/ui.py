"""The Streamlit edge: cached calls into the query layer, the shared filters, page building blocks.

Pages stay thin: they read the shared filters, call named queries through :func:`data`, hand
frames to :mod:`radar.charts` and lay out. Filters are drawn once, in app.py, and live in the URL.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from etl.normalize import country_names
from radar import charts, queries
from radar.filters import Choices, Filters, from_query_params, to_query_params

CATEGORY_TITLES = {"language": "Languages", "database": "Databases", "cloud": "Cloud platforms"}
MIN_POSTINGS_FOR_CHANGE = 30
MIN_POSTINGS_FOR_SALARY = 20


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
    if "filters_ready" not in st.session_state:
        start, notices = from_query_params(dict(st.query_params.to_dict()), options)
        st.session_state.update({
            "f_months": (start.date_from, start.date_to), "f_countries": list(start.countries),
            "f_remote": list(start.remote), "f_seniority": list(start.seniority),
            "f_role_family": list(start.role_family), "f_sources": list(start.sources),
            "url_notices": notices, "url_extra": {k: v for k, v in st.query_params.to_dict()
                                                  .items() if k.startswith("tech")},
            "filters_ready": True})
    names = country_names()
    with st.sidebar:
        st.header("Filters")
        months = _months(options.first_month, options.last_month)
        date_from, date_to = st.select_slider(
            "Months", options=months, key="f_months", format_func=lambda d: f"{d:%Y-%m}")
        countries = st.multiselect("Country", options.countries, key="f_countries",
                                   format_func=lambda c: f"{names.get(c, c)} ({c})",
                                   placeholder="All countries")
        remote = st.multiselect("Remote", options.remote, key="f_remote", placeholder="All")
        seniority = st.multiselect("Seniority", options.seniority, key="f_seniority",
                                   placeholder="All")
        role_family = st.multiselect("Role family", options.role_family, key="f_role_family",
                                     format_func=_label, placeholder="All")
        sources = st.multiselect("Source", options.sources, key="f_sources", placeholder="All")
    filters = Filters(date_from, date_to, tuple(countries), tuple(remote), tuple(seniority),
                      tuple(role_family), tuple(sources))
    st.session_state["filters"] = filters
    return filters


def current_filters() -> Filters:
    """The filters drawn in app.py for this run."""
    return st.session_state["filters"]


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Write the filters (and a page's own choices) to the URL so a link reproduces the view."""
    wanted = to_query_params(current_filters(), choices(), extra)
    if dict(st.query_params.to_dict()) != wanted:
        st.query_params.from_dict(wanted)


def show_notices() -> None:
    """Say which URL values were refused, once per session."""
    for notice in st.session_state.pop("url_notices", []):
        st.warning(f"Link not fully understood: {notice}. Defaults are shown instead.")


def sample_banner() -> None:
    """A visible notice on every page while the warehouse holds only the synthetic sample."""
    if manifest().get("sample_only"):
        st.warning("**Sample data.** The warehouse holds only the embedded synthetic sample: "
                   "the figures show how the dashboard works, not the real job market. "
                   "See *About the data* to load real sources.", icon="🧪")


def footer(filters: Filters, n_postings: int) -> str:
    """The provenance footer for a chart under the current filters."""
    titles = {s["name"]: s["title"] for s in manifest()["sources"]}
    chosen = filters.sources or tuple(s for s in titles if s in choices().sources)
    return charts.footer_text(filters.describe(), ", ".join(titles.get(s, s) for s in chosen),
                              n_postings, manifest().get("sample_only", False))


def show_chart(fig, frame: pl.DataFrame, name: str) -> None:
    """A chart with its data one click away."""
    st.plotly_chart(fig, key=f"chart_{name}", width="stretch")
    st.download_button("Data (CSV)", frame.write_csv(), file_name=f"{name}.csv",
                       mime="text/csv", key=f"csv_{name}")


def chosen_technologies(category: str, ranking: pl.DataFrame, default_n: int = 6) -> list[str]:
    """The technologies to plot: from the URL at first, else the top few; a multiselect."""
    names = dict(zip(ranking["technology_id"].to_list(), ranking["name"].to_list(), strict=True))
    key = f"tech_{category}"
    if key not in st.session_state:
        asked = st.session_state.get("url_extra", {}).get(key, "")
        valid = [t for t in asked.split(",") if t in names]
        bad = [t for t in asked.split(",") if t and t not in names]
        if bad:
            st.warning(f"Unknown technologies in the link ignored: {', '.join(bad)[:200]}")
        st.session_state[key] = valid or ranking["technology_id"].head(default_n).to_list()
    st.session_state[key] = [t for t in st.session_state[key] if t in names]
    return st.multiselect("Technologies to plot", list(names), key=key,
                          format_func=lambda t: names.get(t, t))


def technology_page(category: str) -> None:
    """Languages, Databases and Cloud platforms: share per month, chosen technologies, ranking."""
    filters = current_filters()
    title = CATEGORY_TITLES[category]
    st.title(title)
    ranking = data("tech_ranking", filters, category=category)
    if ranking.is_empty():
        st.info("No postings match the filters.")
        return
    chosen = chosen_technologies(category, ranking)
    sync_url({f"tech_{category}": ",".join(chosen)} if chosen else None)
    metric = st.radio("Show", ["share", "count"], horizontal=True, key=f"metric_{category}",
                      format_func={"share": "Share of postings (%)",
                                   "count": "Postings (count)"}.get)
    n_postings = int(data("kpis", filters)["postings"][0])
    if chosen:
        series = data("tech_share_by_month", filters, technologies=chosen)
        fig = charts.share_over_time(series, footer(filters, n_postings), metric,
                                     f"{title}: share of postings mentioning each, per month")
        show_chart(fig, series, f"{category}_share_{filters.slug()}")
    st.subheader(f"Ranking with the 12-month change ({n_postings:,} postings)")
    table = ranking.select(
        pl.col("name").alias(title[:-1] if title.endswith("s") else title),
        pl.col("postings"), (pl.col("share") * 100).round(2).alias("share %"),
        (pl.col("share_recent") * 100).round(2).alias("share last 12 m %"),
        pl.col("change_pp").round(2).alias("change (pp)"),
        pl.col("recent_postings").alias("n last 12 m"))
    st.dataframe(table, hide_index=True, width="stretch", key=f"ranking_{category}")
