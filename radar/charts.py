"""Plotly figures from query results. Pure functions: frames in, figures out.

Every figure stands alone in a report: a title, axis labels with units, and a footer with the
filters, the data source and date range, "sample data" where it is, and the postings behind it.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04",
           "#db2777", "#4b5563", "#65a30d", "#7c3aed", "#0d9488")


def footer_text(filters_text: str, sources: str, n_postings: int, sample: bool) -> str:
    """The provenance lines printed under every chart: n and source, then the filters."""
    first = [f"n = {n_postings:,} postings", f"Source: {sources}"]
    if sample:
        first.insert(0, "SAMPLE DATA (synthetic)")
    return " · ".join(first) + f"<br>Filters: {filters_text}"


FOOTER_CHARS = 100  # footer line length on screen; exports re-wrap for their own width
TOP = 60


def wrap_footer(text: str, limit: int = FOOTER_CHARS) -> list[str]:
    """Split a footer into lines of at most ``limit`` characters: at its own line breaks, then
    at its ' · ' and '; ' joints."""
    lines = []
    for given in re.split(r"<br\s*/?>", text):
        line = ""
        for piece in re.split(r"(?<= · )|(?<=; )", given):
            if line and len(line) + len(piece) > limit:
                lines.append(line.rstrip(" ·;"))
                line = ""
            line += piece
        if line:
            lines.append(line.rstrip(" ·;"))
    return lines


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, footer: str,
            plot_height: int = 300, left: int = 60) -> go.Figure:
    """Title, axis titles, and below the plot: the legend, then the footer, each with the room it
    needs, so neither is clipped or overlaps the axis."""
    lines = wrap_footer(footer)
    legend = sum(1 for t in fig.data if t.showlegend is not False and t.name) > 1
    axis_space = 62 if x_title else 40
    below = axis_space + (28 if legend else 0) + 14 * len(lines) + 14
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        xaxis_title=x_title, yaxis_title=y_title, template="plotly_white",
        margin={"l": left, "r": 20, "t": TOP, "b": below}, height=TOP + plot_height + below,
        legend={"orientation": "h", "y": -axis_space / plot_height, "yanchor": "top", "x": 0},
        colorway=list(PALETTE), showlegend=legend,
    )
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0,
                       y=-(below - 8) / plot_height, showarrow=False, xanchor="left",
                       yanchor="bottom", align="left", font={"size": 10, "color": "#555"})
    return fig


def share_over_time(frame: pl.DataFrame, footer: str, metric: str = "share",
                    title: str = "Share of postings mentioning each technology") -> go.Figure:
    """One line per technology: share of the month's postings (in %) or the count."""
    fig = go.Figure()
    for (name,), part in frame.partition_by("name", as_dict=True, maintain_order=True).items():
        y = (part["share"] * 100).round(2) if metric == "share" else part["postings"]
        fig.add_trace(go.Scatter(
            x=part["month"].to_list(), y=y.to_list(), mode="lines", name=name,
            customdata=list(zip(part["technology_id"].to_list(), part["postings"].to_list(),
                                part["total"].to_list(), strict=True)),
            hovertemplate="%{x|%Y-%m}: %{y}<br>%{customdata[1]} of %{customdata[2]} postings"
                          "<extra>" + name + "</extra>"))
    y_title = "Share of postings (%)" if metric == "share" else "Postings mentioning (count)"
    return _layout(fig, title, "Month", y_title, footer)


def top_bar(frame: pl.DataFrame, title: str, footer: str, limit: int = 10) -> go.Figure:
    """Horizontal bars: the most mentioned technologies by share of postings (%)."""
    top = frame.head(limit).reverse()
    fig = go.Figure(go.Bar(x=(top["share"] * 100).round(2).to_list(), y=top["name"].to_list(),
                           orientation="h", customdata=top["postings"].to_list(),
                           hovertemplate="%{y}: %{x}% (%{customdata} postings)<extra></extra>"))
    return _layout(fig, title, "Share of postings (%)", "", footer, plot_height=260, left=120)


def change_bar(frame: pl.DataFrame, title: str, footer: str) -> go.Figure:
    """Bars of the change in share over 12 months, in percentage points."""
    fig = go.Figure(go.Bar(
        x=frame["change_pp"].round(2).to_list(), y=frame["name"].to_list(), orientation="h",
        marker={"color": ["#16a34a" if v > 0 else "#dc2626" for v in frame["change_pp"]]},
        customdata=list(zip(frame["recent_postings"].to_list(),
                            frame["prior_postings"].to_list(), strict=True)),
        hovertemplate="%{y}: %{x:+.2f} pp<br>%{customdata[0]} postings in the last 12 months, "
                      "%{customdata[1]} in the 12 before<extra></extra>"))
    return _layout(fig, title, "Change in share, last 12 months vs 12 before (percentage points)",
                   "", footer, plot_height=max(240, 22 * frame.height), left=120)


def salary_ranges(frame: pl.DataFrame, title: str, footer: str) -> go.Figure:
    """Median annual pay per technology with the interquartile range as an error bar."""
    rows = frame.sort("median")
    fig = go.Figure(go.Scatter(
        x=rows["median"].to_list(), y=[f"{n} (n={c})" for n, c in
                                        zip(rows["name"], rows["postings"], strict=True)],
        mode="markers", marker={"size": 10},
        error_x={"type": "data", "symmetric": False,
                 "array": (rows["p75"] - rows["median"]).to_list(),
                 "arrayminus": (rows["median"] - rows["p25"]).to_list()},
        hovertemplate="%{y}: median $%{x:,.0f}<extra></extra>"))
    return _layout(fig, title, "Annual pay (USD): median and interquartile range", "", footer,
                   plot_height=max(220, 28 * rows.height), left=180)


def salary_over_time(frame: pl.DataFrame, footer: str, names: dict[str, str]) -> go.Figure:
    """Median annual pay per year per series, the interquartile range shaded."""
    fig = go.Figure()
    for i, ((tech,), part) in enumerate(frame.partition_by("technology_id", as_dict=True,
                                                           maintain_order=True).items()):
        color = PALETTE[i % len(PALETTE)]
        name = names.get(tech, tech)
        years = part["year"].to_list()
        fig.add_trace(go.Scatter(x=years + years[::-1],
                                 y=part["p75"].to_list() + part["p25"].to_list()[::-1],
                                 fill="toself", opacity=0.15, line={"width": 0},
                                 fillcolor=color, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=years, y=part["median"].to_list(), mode="lines+markers",
                                 name=name, line={"color": color},
                                 customdata=part["postings"].to_list(),
                                 hovertemplate="%{x}: median $%{y:,.0f} (n=%{customdata})"
                                               "<extra>" + name + "</extra>"))
    fig = _layout(fig, "Advertised annual pay over time", "Year", "Annual pay (USD)", footer)
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig


def index_over_time(frame: pl.DataFrame, footer: str) -> go.Figure:
    """Indeed Hiring Lab index lines (2020-02-01 = 100), one per series."""
    fig = go.Figure()
    for (name,), part in frame.partition_by("series", as_dict=True, maintain_order=True).items():
        fig.add_trace(go.Scatter(x=part["date"].to_list(), y=part["index_value"].to_list(),
                                 mode="lines", name=name,
                                 hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<extra>" + name
                                               + "</extra>"))
    return _layout(fig, "Indeed Hiring Lab job postings index (context, not postings)", "Date",
                   "Index (2020-02-01 = 100)", footer)


LOW_N_COLOR = "#9ca3af"


def _points(color: str, reliable: list[bool], size: int = 6) -> dict:
    """Markers filled in the line's colour, hollow and grey where too few postings are behind."""
    return {"color": [color if ok else "white" for ok in reliable],
            "line": {"color": [color if ok else LOW_N_COLOR for ok in reliable], "width": 1.5},
            "size": size}


def _month_trace(rows: pl.DataFrame, group: str, hover: str, **style) -> go.Scatter:
    """One series of monthly points (month, y, and the n columns for the hover)."""
    return go.Scatter(x=rows["month"].to_list(), y=rows["y"].to_list(), mode="lines+markers",
                      legendgroup=group, hovertemplate=hover,
                      customdata=rows.select("technology_id", "window_postings", "window_total",
                                             "note").rows(), **style)


def monthly_lines(frame: pl.DataFrame, footer: str, title: str, metric: str = "share",
                  months: int = 1, min_postings: int = 0) -> go.Figure:
    """One line per technology from :func:`radar.rules.monthly_figures`: the share of postings
    (%) or postings per month, over ``months`` months when more than one; points with fewer
    than ``min_postings`` postings behind them hollow and grey; an incomplete month joined by a
    dotted segment; n on every hover."""
    fig = go.Figure()
    per = f"{months}-month rolling mean" if months > 1 else "per month"
    span = f" ({months} months)" if months > 1 else ""
    for i, ((tech,), part) in enumerate(frame.partition_by("technology_id", as_dict=True,
                                                           maintain_order=True).items()):
        color, name = PALETTE[i % len(PALETTE)], part["name"][0]
        part = part.with_columns(
            ((pl.col("share") * 100) if metric == "share" else pl.col("per_month"))
            .round(2).alias("y"),
            (pl.when(pl.col("reliable")).then(pl.lit(""))
             .otherwise(pl.lit(f"<br>fewer than {min_postings} postings: read with care"))
             + pl.when(pl.col("incomplete"))
             .then(pl.lit("<br>incomplete month: not all postings are in yet"))
             .otherwise(pl.lit(""))).alias("note"))
        hover = ("%{x|%Y-%m}: %{y}" + ("%" if metric == "share" else " a month")
                 + "<br>%{customdata[1]} of %{customdata[2]} postings" + span
                 + "%{customdata[3]}<extra>" + name + "</extra>")

        complete = part.filter(~pl.col("incomplete"))
        fig.add_trace(_month_trace(complete, tech, hover, name=name,
                                   line={"color": color, "width": 2},
                                   marker=_points(color, complete["reliable"].to_list())))
        if part["incomplete"].any():
            last = part.with_row_index("i").filter(pl.col("incomplete"))["i"][0]
            tail = part.slice(max(last - 1, 0), 2 if last else 1)
            fig.add_trace(_month_trace(tail, tech, hover, name=f"{name} (incomplete month)",
                                       showlegend=False,
                                       line={"color": color, "width": 2, "dash": "dot"},
                                       marker={**_points(color, [False] * tail.height, 7),
                                               "symbol": "diamond"}))
    y_title = (f"Share of postings (%, {per})" if metric == "share"
               else f"Postings mentioning ({per})")
    return _layout(fig, title, "Month", y_title, footer)


def postings_lines(frame: pl.DataFrame, footer: str, months: int = 1,
                   min_postings: int = 0) -> go.Figure:
    """Postings per month (or their rolling mean), the same way as :func:`monthly_lines`."""
    fig = monthly_lines(frame, footer, "Postings per month", "count", months, min_postings)
    per = f"{months}-month rolling mean" if months > 1 else "count"
    fig.update_layout(yaxis_title=f"Postings ({per})")
    return fig


def heat_map(frame: pl.DataFrame, footer: str, title: str, names: list[str]) -> go.Figure:
    """A symmetric heat map of lift between technologies (rows and columns in ``names`` order):
    blue above 1 (named together more often than chance), red below; postings on hover."""
    cell = {(r, c): (lift, n) for r, c, lift, n in frame.select(
        "row", "column", "lift", "both_postings").iter_rows()}
    z = [[cell.get((r, c), (None, 0))[0] for c in names] for r in names]
    n = [[cell.get((r, c), (None, 0))[1] for c in names] for r in names]
    fig = go.Figure(go.Heatmap(
        z=z, x=names, y=names, customdata=n, colorscale="RdBu", zmid=1, zmin=0,
        zmax=max([v for row in z for v in row if v is not None] + [2]),
        colorbar={"title": "lift"},
        hovertemplate="%{y} with %{x}: lift %{z:.2f}<br>%{customdata} postings name both"
                      "<extra></extra>"))
    fig = _layout(fig, title, "", "", footer, plot_height=max(320, 22 * len(names)), left=140)
    fig.update_yaxes(autorange="reversed")
    return fig


def bars(frame: pl.DataFrame, x: str, y: str, title: str, x_title: str, footer: str,
         hover: str) -> go.Figure:
    """Horizontal bars of one value per row, the first row on top; ``hover`` a hovertemplate."""
    shown = frame.reverse()
    fig = go.Figure(go.Bar(x=shown[x].to_list(), y=shown[y].to_list(), orientation="h",
                           customdata=shown.select(pl.exclude(x, y)).rows(),
                           hovertemplate=hover))
    return _layout(fig, title, x_title, "", footer, plot_height=max(240, 22 * frame.height),
                   left=140)


def yearly_lines(frame: pl.DataFrame, metric: str, title: str, footer: str,
                 min_postings: int = 0) -> go.Figure:
    """Per partner, per year: the share of the chosen technology's postings that name it (%) or
    the lift; years with fewer than ``min_postings`` postings of the chosen one hollow and grey;
    n on every hover."""
    fig = go.Figure()
    for i, ((_tech,), part) in enumerate(frame.sort("year").partition_by(
            "technology_id", as_dict=True, maintain_order=True).items()):
        color = PALETTE[i % len(PALETTE)]
        name = part["name"][0]
        y = ((part["share_of_chosen"] * 100).round(2) if metric == "share"
             else part["lift"].round(2))
        ok = [n >= min_postings for n in part["chosen_postings"]]
        fig.add_trace(go.Scatter(
            x=part["year"].to_list(), y=y.to_list(), mode="lines+markers", name=name,
            line={"color": color, "width": 2},
            marker={"color": [color if k else "white" for k in ok],
                    "line": {"color": [color if k else LOW_N_COLOR for k in ok], "width": 1.5},
                    "size": 7},
            customdata=list(zip(part["both_postings"].to_list(),
                                part["chosen_postings"].to_list(),
                                part["lift"].round(2).to_list(),
                                ["" if k else f"<br>fewer than {min_postings} postings: read "
                                 "with care" for k in ok], strict=True)),
            hovertemplate="%{x}: %{y}" + ("%" if metric == "share" else "")
                          + "<br>%{customdata[0]} of %{customdata[1]} postings · lift "
                            "%{customdata[2]}%{customdata[3]}<extra>" + name + "</extra>"))
    y_title = "Share of its postings (%)" if metric == "share" else "Lift (1 = chance)"
    fig = _layout(fig, title, "Year", y_title, footer)
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig
