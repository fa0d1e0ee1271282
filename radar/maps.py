"""Choropleth maps drawn from the shipped outlines (radar.geo) as filled areas on plain axes.

Plotly's geo traces fetch their base map from a CDN whenever a trace sets a location mode,
which a choropleth always does, even with its own GeoJSON (plotly.js issue 6767); Mapbox and
MapLibre maps fetch tiles or styles. Filled scatter areas need nothing but the figure, so the
map works offline, in the report and in image exports alike.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.colors import sample_colorscale

from radar.charts import _layout
from radar.geo import Shape

COLORSCALE = "Blues"
NO_DATA = "#e5e7eb"
TOO_FEW = "#f9fafb"  # a share resting on too few postings: outlined, not shaded by its value
LIGHTEST = 0.1  # the lowest value is drawn at this point of the colour scale, not white


def fill_colour(value: float, top: float) -> str:
    """The colour of a value on a scale from zero to ``top``."""
    point = LIGHTEST + (1 - LIGHTEST) * max(0.0, min(1.0, value / top))
    return sample_colorscale(COLORSCALE, [min(point, 1.0)])[0]


def colourbar_scale(steps: int = 10) -> list[list]:
    """The colour scale of :func:`fill_colour` as a Plotly colorscale from 0 to 1."""
    return [[i / steps, fill_colour(i / steps, 1.0)] for i in range(steps + 1)]


def _xy(shape: Shape, x_scale: float) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for ring in shape.rings:
        xs.extend([round(x * x_scale, 3) for x, _ in ring] + [None])
        ys.extend([y for _, y in ring] + [None])
    return xs, ys


def choropleth(frame: pl.DataFrame, shapes: tuple[Shape, ...], value: str, title: str,
               footer: str, value_title: str, percent: bool = False,
               centre_latitude: float = 0.0, min_postings: int = 0) -> go.Figure:
    """Areas of ``shapes`` coloured by ``frame[value]`` (``frame`` keyed by ``key``, with
    ``postings`` and ``naming``); areas without a row in grey. A share (``percent``) resting on
    fewer than ``min_postings`` postings is not shaded by its value: the area is drawn nearly
    white with a grey outline, its hover says why, and it does not set the top of the scale (one
    posting naming the technology would otherwise be 100%). ``centre_latitude`` scales
    longitudes by its cosine (0 for the world: plate carree)."""
    rows = {r["key"]: r for r in frame.iter_rows(named=True)}
    too_few = {key for key, r in rows.items() if percent and r["postings"] < min_postings}
    values = [r[value] for key, r in rows.items() if r[value] is not None and key not in too_few]
    top = max(values) if values else 1.0
    top = top if top > 0 else 1.0
    x_scale = math.cos(math.radians(centre_latitude))
    fig = go.Figure()
    blank_x: list = []
    blank_y: list = []
    for shape in shapes:
        xs, ys = _xy(shape, x_scale)
        row = rows.get(shape.key)
        if row is None or row[value] is None:
            blank_x.extend(xs)
            blank_y.extend(ys)
            continue
        shown = row[value] * (100 if percent else 1)
        label = (f"{shape.name}: {shown:.1f}% ({row['naming']:,} of {row['postings']:,} postings)"
                 if percent else f"{shape.name}: {row['postings']:,} postings")
        few = shape.key in too_few
        if few:
            label += f": fewer than {min_postings} postings, not shaded"
        fig.add_trace(go.Scatter(
            x=xs, y=ys, fill="toself", mode="lines",
            line={"width": 0.5, "color": "#9ca3af" if few else "#6b7280"},
            fillcolor=TOO_FEW if few else fill_colour(row[value], top),
            name=label, hoveron="fills", hoverinfo="name", hoverlabel={"namelength": -1},
            showlegend=False,
            meta={"key": shape.key, "value": row[value], "postings": row["postings"],
                  "naming": row["naming"], "shaded": not few}))
    fig.add_trace(go.Scatter(x=blank_x, y=blank_y, fill="toself", mode="lines",
                             line={"width": 0.5, "color": "#9ca3af"}, fillcolor=NO_DATA,
                             name="no postings", hoverinfo="skip", showlegend=False))
    fig.data = fig.data[-1:] + fig.data[:-1]  # grey areas underneath
    scale_top = top * (100 if percent else 1)
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker={"colorscale": colourbar_scale(),
                "cmin": 0, "cmax": scale_top, "color": [0], "showscale": True,
                "colorbar": {"title": {"text": value_title}, "thickness": 12}}))
    fig = _layout(fig, title, "", "", footer, plot_height=420, left=20)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(plot_bgcolor="white")
    return fig


def map_rows(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """A map query's frame keyed for :func:`choropleth` (rows without a key dropped)."""
    return frame.filter(pl.col(key).is_not_null()).rename({key: "key"})
