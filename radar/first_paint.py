"""A line chart drawn without plotly.js: the start page's first chart, shown while the browser
loads the interactive one.

A cold browser cannot draw a Plotly chart before it has fetched and run Plotly's 4.7 MB bundle
(about 0.7 s of its main thread on a 2-core machine), and the start page of any Streamlit app
with one Plotly chart showed it 1.8-2.1 s after the page opened here (docs/app.md). So the
Overview sends its first figure twice: as this inline SVG, which the browser draws as soon as
it arrives, and as the Plotly chart, which takes its place once Plotly has drawn it (a style
rule in the same block hides the drawing then). Same figure, same numbers: the drawing reads the
figure's own traces and layout (title, axis titles, footer, line colours and dashes, marker
fills), and places ticks and ranges the way Plotly's automatic axes do (``nice_step``,
``padded_range``, ``date_ticks``), so the swap moves nothing but a few pixels of text. Figures
it cannot draw (anything but lines and markers of ``go.Scatter`` traces over a date or number
axis, or a legend) get no drawing.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only read here, never made: no Plotly at run time (radar/frontend.py,
    import plotly.graph_objects as go  # imported as the server starts, reads CLASS)

CLASS = "hr-first-paint"
FONT = '"Source Sans", sans-serif'  # the font Streamlit's Plotly theme draws with
MUTED = "#808495"  # tick labels and axis titles in that theme
# Grid lines in the page's text colour, faint: #e6eaf1-like on Streamlit's light theme (its
# Plotly theme's), dark grey on its dark one.
GRID = 'stroke="currentColor" stroke-opacity="0.12"'

# Hides the drawing once Plotly has drawn the chart in the next element, and keeps that element
# out of the page's height until then, so the chart appears where the drawing was.
STYLE = (
    f".stElementContainer:has(.{CLASS}):has(+ .stElementContainer .js-plotly-plot .main-svg)"
    "{display:none}"
    f".stElementContainer:has(.{CLASS}) + .stElementContainer:not(:has(.js-plotly-plot "
    ".main-svg)){height:0;overflow:hidden}"
)

_MS_DAY = 86_400_000
_AVG_YEAR, _AVG_MONTH = 365.25 * _MS_DAY, 365.25 / 12 * _MS_DAY
_SI = {3: "k", 6: "M", 9: "G", 12: "T"}


def round_up(value: float, steps: tuple[float, ...]) -> float:
    """The first of ``steps`` (ascending) at or above ``value``; the last when none is."""
    return next((s for s in steps if s >= value), steps[-1])


def nice_step(span: float, ticks: float) -> float:
    """Plotly's automatic tick step for a linear axis: ``span / ticks`` rounded up to 2, 5 or 10
    times a power of ten."""
    rough = span / ticks
    base = 10 ** math.floor(math.log10(rough))
    return base * round_up(rough / base, (2, 5, 10))


def tick_target(length_px: float, per_px: float) -> float:
    """How many ticks Plotly aims for on an axis ``length_px`` long: one per ``per_px`` pixels
    (40 on a y axis, 80 on an x axis), between 4 and 9, plus one."""
    return min(max(length_px / per_px, 4), 9) + 1


def padded_range(lo: float, hi: float, length_px: float, pad_px: float) -> tuple[float, float]:
    """The axis range Plotly's autorange gives data from ``lo`` to ``hi`` drawn ``pad_px`` in
    from each end of an axis ``length_px`` long; a single value gets a span of one either way."""
    if hi == lo:
        return lo - 1, hi + 1
    per_px = (hi - lo) / max(length_px - 2 * pad_px, 1)
    return lo - pad_px * per_px, hi + pad_px * per_px


def number_ticks(lo: float, hi: float, length_px: float) -> list[tuple[float, str]]:
    """Ticks of a linear y axis over [lo, hi] and their labels, as Plotly writes them: plain
    numbers without trailing zeros, or with k / M / G once the range's larger end reaches
    10,000."""
    step = nice_step(hi - lo, tick_target(length_px, 40))
    first = math.ceil(lo / step) * step
    values = [first + i * step for i in range(int((hi - first) / step) + 1)]
    top = math.floor(math.log10(max(abs(lo), abs(hi)))) if max(abs(lo), abs(hi)) else 0
    exponent = 3 * round((top - 1) / 3) if top > 3 else 0
    scaled_step = step / 10 ** exponent
    digits = max(0, -math.floor(math.log10(scaled_step) + 1e-9)) if scaled_step < 1 else 0
    return [(v, _trimmed(f"{v / 10 ** exponent:.{digits}f}") + _SI.get(exponent, "") if v else "0")
            for v in values if lo <= v <= hi]


def _trimmed(number: str) -> str:
    """A decimal without trailing zeros, as Plotly writes ticks: 5.0 -> 5, 5.50 -> 5.5."""
    return number.rstrip("0").rstrip(".") if "." in number else number


_EPOCH = dt.date(1970, 1, 1)


def _ms(day: dt.date) -> float:
    return (day - _EPOCH).days * _MS_DAY


def _month_start(ms: float) -> dt.date:
    day = _EPOCH + dt.timedelta(milliseconds=ms)
    return dt.date(day.year, day.month, 1)


def date_ticks(lo: float, hi: float, length_px: float) -> list[tuple[float, str]]:
    """Ticks of a date x axis over [lo, hi] (epoch ms), as Plotly's automatic axis places them:
    every 1, 2, 5, 10 ... years (labelled with the year) or every 1, 2, 3, 6 months (labelled
    with the month and year), counted from January 2000."""
    rough = (hi - lo) / tick_target(length_px, 80)
    if rough > _AVG_YEAR:
        years = rough / _AVG_YEAR
        base = 10 ** math.floor(math.log10(years))
        months = int(12 * base * round_up(years / base, (2, 5, 10)))
    else:
        months = int(round_up(rough / _AVG_MONTH, (1, 2, 3, 6, 12)))
    first = _month_start(lo)
    index = (first.year - 2000) * 12 + first.month - 1
    index += -index % months
    out = []
    while True:
        day = dt.date(2000 + index // 12, index % 12 + 1, 1)
        at = _ms(day)
        if at > hi:
            return out
        if at >= lo:
            out.append((at, str(day.year) if months % 12 == 0 else day.strftime("%b %Y")))
        index += months


def _as_number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1970, 1, 1, tzinfo=value.tzinfo)).total_seconds() * 1000
    if isinstance(value, dt.date):
        return _ms(value)
    if isinstance(value, str):
        return _ms(dt.date.fromisoformat(value[:10]))
    return float(value)


def _drawable(fig: go.Figure) -> bool:
    return bool(fig.data) and all(
        t.type == "scatter" and (t.mode or "lines") in ("lines", "markers", "lines+markers")
        and not t.fill and t.x is not None and t.y is not None for t in fig.data
    ) and not fig.layout.showlegend


def _per_point(value, n: int, default) -> list:
    if value is None:
        return [default] * n
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value] * n


def _plain(text: str | None, joint: str = "<br>") -> str:
    """A layout text (which may hold Plotly's <b>, <br> and the like) as escaped lines joined
    by ``joint``."""
    lines = re.split(r"<br\s*/?>", text or "")
    return joint.join(html.escape(re.sub(r"<[^>]+>", "", line)) for line in lines)


def _pct(value: float, lo: float, hi: float) -> str:
    return f"{100 * (value - lo) / (hi - lo):.3f}%"


def _marker(x: str, y: float, size: float, fill: str, stroke: str, width: float,
            symbol: str) -> str:
    r = size / 2
    if symbol == "diamond":
        d = r + 1
        return (f'<svg x="{x}" y="{y:.2f}" overflow="visible"><path d="M0,{-d:.1f}L{d:.1f},0'
                f' 0,{d:.1f} {-d:.1f},0Z" fill="{fill}" stroke="{stroke}"'
                f' stroke-width="{width}"/></svg>')
    return (f'<circle cx="{x}" cy="{y:.2f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}"'
            f' stroke-width="{width}"/>')


def _end_pad(trace) -> float:
    """How far in from an axis end Plotly's autorange keeps a trace's outermost points beyond
    its 5%: half a marker and its outline, none for a line alone."""
    if "markers" not in (trace.mode or "lines"):
        return 0.0
    return (trace.marker.size or 6) / 2 + (trace.marker.line.width or 0) / 2


# Plotly's margins where a figure sets none
DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}


def margin(fig: go.Figure, side: str) -> int:
    """The figure's margin on ``side`` (l, r, t or b) in pixels, Plotly's default if unset."""
    given = getattr(fig.layout.margin, side)
    return int(given if given is not None else DEFAULT_MARGIN[side])


def left_margin(fig: go.Figure, labels: list[str]) -> int:
    """The plot's left edge: the figure's left margin, widened as Plotly's automargin widens it
    for the y tick labels (about 6.2 px a character at 12 px) and the y axis title."""
    widest = max((len(label) for label in labels), default=0)
    return max(margin(fig, "l"), round(widest * 6.2 + 55))


def lines_html(fig: go.Figure, width_hint: int = 940) -> str | None:
    """The figure drawn as an HTML block with an inline SVG (width: its container's; height:
    the figure's), with the style that hides it once the Plotly chart after it is drawn; None
    for a figure it cannot draw. ``width_hint`` (the width the Overview's chart has in a
    1400-pixel window) only sets how many x ticks there are, as Plotly's width sets its own."""
    if not _drawable(fig):
        return None
    layout = fig.layout
    height = int(layout.height or 450)
    top, bottom = margin(fig, "t"), margin(fig, "b")
    plot_h = height - top - bottom
    try:  # categories on an axis (or values that are not numbers) are not drawn
        series = [(trace, [_as_number(x) for x in trace.x],
                   [None if y is None else float(y) for y in trace.y]) for trace in fig.data]
    except (TypeError, ValueError):
        return None
    xs_all = [x for _, xs, ys in series for x, y in zip(xs, ys, strict=True) if y is not None]
    ys_all = [y for _, _, ys in series for y in ys if y is not None]
    if not ys_all:
        return None
    dates = any(isinstance(x, (dt.date, str)) for t in fig.data for x in t.x[:1])
    pad = max(_end_pad(t) for t, _, _ in series)
    y_lo, y_hi = padded_range(min(ys_all), max(ys_all), plot_h, 0.05 * plot_h + pad)
    y_ticks = number_ticks(y_lo, y_hi, plot_h)
    left = left_margin(fig, [label for _, label in y_ticks])
    right = margin(fig, "r")
    plot_w = max(width_hint - left - right, 100)
    x_lo, x_hi = padded_range(min(xs_all), max(xs_all), plot_w, 0.05 * plot_w + pad)
    if dates and x_hi - x_lo < 2 * _MS_DAY:  # a single month: a month either side
        x_lo, x_hi = min(xs_all) - 31 * _MS_DAY, max(xs_all) + 31 * _MS_DAY
    x_ticks = date_ticks(x_lo, x_hi, plot_w) if dates else number_ticks(x_lo, x_hi, plot_w)

    def py(value: float) -> float:
        return plot_h * (y_hi - value) / (y_hi - y_lo)

    def vx(value: float) -> float:  # x in the lines' own 0-1000 box, stretched to the width
        return 1000 * (value - x_lo) / (x_hi - x_lo)

    parts = [f'<line x1="0" x2="100%" y1="{py(v):.2f}" y2="{py(v):.2f}" {GRID}/>'
             for v, _ in y_ticks]
    parts += [f'<text class="hr-ytick" x="-8" y="{py(v):.2f}" dy="0.35em" text-anchor="end">'
              f"{label}</text>" for v, label in y_ticks]
    parts += [f'<text class="hr-xtick" x="{_pct(v, x_lo, x_hi)}" y="{plot_h + 22}"'
              f' text-anchor="middle">{label}</text>' for v, label in x_ticks]
    lines, markers = [], []
    for trace, xs, ys in series:
        mode = trace.mode or "lines"
        color = trace.line.color or "#444"
        if "lines" in mode:
            points = " ".join(f"{vx(x):.2f},{py(y):.2f}"
                              for x, y in zip(xs, ys, strict=True) if y is not None)
            dash = {"dot": ' stroke-dasharray="2 3"', "dash": ' stroke-dasharray="6 4"'}.get(
                trace.line.dash or "", "")
            lines.append(f'<polyline points="{points}" fill="none" stroke="{color}"'
                         f' stroke-width="{trace.line.width or 2}" stroke-linejoin="round"'
                         f' vector-effect="non-scaling-stroke"{dash}/>')
        if "markers" in mode:
            marker = trace.marker
            size, symbol = marker.size or 6, marker.symbol or "circle"
            width = marker.line.width or 0
            fills = _per_point(marker.color, len(xs), color)
            strokes = _per_point(marker.line.color, len(xs), "#444")
            for x, y, fill, stroke in zip(xs, ys, fills, strokes, strict=True):
                if y is not None:
                    markers.append(_marker(_pct(x, x_lo, x_hi), py(y), size, fill, stroke,
                                           width, symbol))
    x_title, y_title = _plain(layout.xaxis.title.text), _plain(layout.yaxis.title.text)
    if x_title:
        parts.append(f'<text x="50%" y="{plot_h + 48}" text-anchor="middle" font-size="14">'
                     f"{x_title}</text>")
    if y_title:
        parts.append(f'<text transform="rotate(-90)" x="{-plot_h / 2:.1f}" y="{18 - left}"'
                     f' dy="0.35em" text-anchor="middle" font-size="14">{y_title}</text>')
    notes = [_plain(a.text) for a in layout.annotations if a.text]
    label = _plain(layout.title.text)
    return (
        f"<style>{STYLE}</style>"
        f'<div class="{CLASS}" role="img" aria-label="{_plain(layout.title.text, " ")}"'
        f' style="position:relative;height:{height}px;font-family:{html.escape(FONT)}">'
        f'<div style="position:absolute;left:calc(1% + 4px);top:{top // 2 - 18}px;'
        f'font-size:16px;font-weight:700">{label}</div>'
        f'<svg style="position:absolute;left:{left}px;top:{top}px;width:calc(100% - '
        f'{left + right}px);height:{plot_h}px;overflow:visible" fill="{MUTED}" font-size="12">'
        + "".join(parts)
        + f'<svg width="100%" height="{plot_h}" viewBox="0 0 1000 {plot_h}"'
        f' preserveAspectRatio="none" overflow="visible">' + "".join(lines) + "</svg>"
        + "".join(markers) + "</svg>"
        + "".join(f'<div style="position:absolute;left:{left}px;bottom:8px;font-size:10px;'
                  f'line-height:13px;color:#555">{note}</div>' for note in notes)
        + "</div>"
    )
