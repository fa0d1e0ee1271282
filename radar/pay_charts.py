"""Figures of the pay and role profile pages: per-country pay, premiums, nominal vs real pay,
and a profile against the same profile years earlier. Each carries the provenance footer."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from radar.charts import LOW_N_COLOR, PALETTE, _layout


def money(value: float | None, currency: str) -> str:
    """A pay figure as people read it: '$120,000' or '62,500 EUR'."""
    if value is None:
        return "n/a"
    return f"${value:,.0f}" if currency == "USD" else f"{value:,.0f} {currency}"


def pay_by_country(frame: pl.DataFrame, names: dict[str, str], footer: str,
                   min_postings: int = 0) -> go.Figure:
    """Median annual pay per country in US dollars with the interquartile range: one market per
    row, each converted at its postings' years' rates (for comparison, not pooled). Countries
    with at least ``min_postings`` paid postings are ranked by median; those with fewer are listed
    below them by postings, hollow and grey, not ranked."""
    known = frame.filter(pl.col("country").is_not_null())
    ranked = known.filter(pl.col("postings") >= min_postings).sort("median_usd")
    # drawn bottom up: the most postings nearest the ranking, ties in alphabetical order down
    few = known.filter(pl.col("postings") < min_postings).sort(["postings", "country"],
                                                               descending=[False, True])
    fig = go.Figure()
    # the first trace's rows are drawn at the bottom: the unranked ones go below the ranking
    for rows, reliable in ((few, False), (ranked, True)):
        if rows.is_empty():
            continue
        color = PALETTE[0] if reliable else LOW_N_COLOR
        note = "" if reliable else f"<br>fewer than {min_postings} postings: not ranked"
        fig.add_trace(go.Scatter(
            x=rows["median_usd"].to_list(), y=country_labels(rows, names, reliable),
            mode="markers", name="ranked" if reliable else f"fewer than {min_postings} postings",
            showlegend=False,
            marker={"size": 10, "color": color if reliable else "white",
                    "line": {"color": color, "width": 1.5}},
            error_x={"type": "data", "symmetric": False, "color": color,
                     "array": (rows["p75_usd"] - rows["median_usd"]).to_list(),
                     "arrayminus": (rows["median_usd"] - rows["p25_usd"]).to_list()},
            customdata=rows["country"].to_list(),
            hovertemplate="%{y}: median $%{x:,.0f}" + note + "<extra></extra>"))
    return _layout(fig, "Advertised annual pay per country (each its own market, in USD)",
                   "Annual pay (USD): median and interquartile range", "", footer,
                   plot_height=max(200, 28 * known.height), left=200)


def country_labels(rows: pl.DataFrame, names: dict[str, str], reliable: bool) -> list[str]:
    """'Germany (n=149)' for each row; 'Belgium (n=5, too few)' for a row not ranked."""
    mark = "" if reliable else ", too few"
    return [f"{names.get(c, c)} (n={n}{mark})"
            for c, n in zip(rows["country"], rows["postings"], strict=True)]


def premium_chart(table: pl.DataFrame, names: dict[str, str], footer: str) -> go.Figure:
    """The pay premium per technology (%) with its 95% interval and the postings behind it."""
    rows = table.sort("premium")
    labels = [f"{names.get(t, t)} (n={n})" for t, n in
              zip(rows["technology_id"], rows["n_with"], strict=True)]
    fig = go.Figure(go.Scatter(
        x=(rows["premium"] * 100).round(2).to_list(), y=labels, mode="markers",
        marker={"size": 10, "color": ["#16a34a" if v > 0 else "#dc2626" for v in rows["premium"]]},
        error_x={"type": "data", "symmetric": False,
                 "array": ((rows["high"] - rows["premium"]) * 100).round(2).to_list(),
                 "arrayminus": ((rows["premium"] - rows["low"]) * 100).round(2).to_list()},
        customdata=rows["technology_id"].to_list(),
        hovertemplate="%{y}: %{x:+.1f}%<extra></extra>"))
    fig.add_vline(x=0, line={"color": "#9ca3af", "width": 1})
    return _layout(fig, "Pay premium: postings naming the technology against those that do not",
                   "Premium on median advertised pay (%), same country, seniority and year; "
                   "95% interval", "", footer, plot_height=max(200, 28 * rows.height), left=180)


def nominal_and_real(frame: pl.DataFrame, footer: str, currency: str, base_year: int | None,
                     deflator: str | None) -> go.Figure:
    """Median pay per year: nominal, and (US dollars only) real in ``base_year`` dollars."""
    nominal = "median_usd" if currency == "USD" else "median_local"
    years = frame["year"].to_list()
    fig = go.Figure(go.Scatter(
        x=years, y=frame[nominal].to_list(), mode="lines+markers", name="nominal",
        line={"color": PALETTE[0]}, customdata=frame["postings"].to_list(),
        hovertemplate="%{x}: %{y:,.0f} " + currency + " (n=%{customdata})<extra>nominal</extra>"))
    if base_year is not None and "median_usd_real" in frame.columns:
        fig.add_trace(go.Scatter(
            x=years, y=frame["median_usd_real"].to_list(), mode="lines+markers",
            name=f"real ({base_year} dollars)", line={"color": PALETTE[1], "dash": "dash"},
            hovertemplate="%{x}: %{y:,.0f} USD of " + str(base_year) + "<extra>real</extra>"))
    title = f"Median advertised annual pay over time ({currency})"
    if deflator:
        title += f": nominal and real, deflated by the {deflator}"
    fig = _layout(fig, title, "Year", f"Annual pay ({currency})", footer)
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig


def profile_bars(frame: pl.DataFrame, label: str, title: str, footer: str, now: str,
                 then: str | None) -> go.Figure:
    """Grouped horizontal bars: share (%) now and, when there is one, then, per ``label``."""
    rows = frame.reverse()
    fig = go.Figure()
    if then is not None:
        fig.add_trace(go.Bar(x=(rows["share_then"] * 100).round(1).to_list(),
                             y=rows[label].to_list(), orientation="h", name=then,
                             marker={"color": "#9ca3af"},
                             hovertemplate="%{y}: %{x}%<extra>" + then + "</extra>"))
    fig.add_trace(go.Bar(x=(rows["share_now"] * 100).round(1).to_list(), y=rows[label].to_list(),
                         orientation="h", name=now, marker={"color": PALETTE[0]},
                         hovertemplate="%{y}: %{x}%<extra>" + now + "</extra>"))
    fig.update_layout(barmode="group")
    return _layout(fig, title, "Share of postings (%)", "", footer,
                   plot_height=max(220, (34 if then else 22) * rows.height), left=200)
