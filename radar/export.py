"""Charts and their data as files: PNG, SVG and PDF through kaleido and the system Chromium,
a self-contained HTML file when no browser is there, and the data as CSV or Parquet.

Knows nothing of Streamlit, so the app, the report builder, the benchmarks and the tests share it.
One kaleido server (one Chromium) is started per process on first use and reused.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import threading
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from radar.charts import wrap_footer
from radar.filters import Filters

IMAGE_FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "html": "text/html", "csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
WIDTH = 1100
PNG_SCALE = 2
FOOTER_LINE = 120  # characters per footer line in an exported image
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

_start_lock = threading.Lock()
_call_lock = threading.Lock()
_started = False


class NoBrowser(RuntimeError):
    """No Chromium to render static images with."""


def browser_path() -> str | None:
    """The Chromium kaleido drives: $BROWSER_PATH, else one on PATH, else /usr/bin/chromium."""
    if os.environ.get("BROWSER_PATH"):
        path = os.environ["BROWSER_PATH"]
        return path if os.access(path, os.X_OK) else None
    for name in _BROWSERS:
        if found := shutil.which(name):
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def images_available() -> bool:
    """Whether PNG, SVG and PDF can be made here (a browser is installed)."""
    return browser_path() is not None


def _renderer() -> None:
    global _started
    with _start_lock:
        if _started:
            return
        path = browser_path()
        if path is None:
            raise NoBrowser("static images need Chromium (`apt-get install chromium`)")
        import kaleido
        # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js is local.
        kaleido.start_sync_server(n=1, timeout=90, mathjax=False, path=path,
                                  silence_warnings=True)
        _started = True


def standalone(fig: go.Figure, width: int = WIDTH) -> go.Figure:
    """A copy for a file: fixed width, the provenance footer wrapped and placed under the legend
    so none of it is clipped; the plot area keeps its height and the figure grows underneath."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    margin = out.layout.margin
    top = 60 if margin.t is None else margin.t
    bottom = 90 if margin.b is None else margin.b
    plot_h = (out.layout.height or 460) - top - bottom
    footers = [a for a in out.layout.annotations
               if a.yref == "paper" and a.y is not None and a.y < 0 and a.text]
    lines = [wrap_footer(a.text, FOOTER_LINE) for a in footers]
    legend = sum(1 for t in out.data if t.showlegend is not False and t.name) > 1
    axis_space = 62 if out.layout.xaxis.title.text else 40
    below = axis_space + (28 if legend else 0) + 14 * max(map(len, lines), default=0) + 14
    out.update_layout(width=width, height=top + plot_h + below, margin={"b": below})
    if legend:
        out.update_layout(legend={"y": -axis_space / plot_h, "yanchor": "top"})
    for note, wrapped in zip(footers, lines, strict=True):
        note.update(text="<br>".join(wrapped), y=-(below - 8) / plot_h, yanchor="bottom",
                    align="left")
    return out


def figure_bytes(fig: go.Figure, fmt: str, width: int = WIDTH) -> bytes:
    """The figure as a PNG, SVG or PDF (through Chromium) or a self-contained HTML file."""
    if fmt == "html":
        return figure_html(fig)
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    _renderer()
    import kaleido
    out = standalone(fig, width)
    opts = {"format": fmt, "width": width, "height": out.layout.height,
            "scale": PNG_SCALE if fmt == "png" else 1}
    with _call_lock:  # the sync server hands results back through one queue
        return kaleido.calc_fig_sync(out, opts=opts)


def figure_html(fig: go.Figure) -> bytes:
    """The interactive figure as one HTML file with plotly.js inlined (works offline)."""
    html = standalone(fig).to_html(full_html=True, include_plotlyjs=True, include_mathjax=False,
                                   config={"displaylogo": False})
    return html.encode()


def frame_bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    """A chart's data as CSV or Parquet."""
    if fmt == "csv":
        return frame.write_csv().encode()
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown data format {fmt!r}")


def chart_name(page: str, chart: str, filters: Filters | None = None,
               technologies: Sequence[str] = ()) -> str:
    """A filename stem that says what a chart is: page, chart, technology set, date range."""
    techs = list(technologies)
    tech_part = "-".join(techs[:6]) + (f"-and-{len(techs) - 6}-more" if len(techs) > 6 else "")
    parts = [page, chart, tech_part, filters.slug() if filters else ""]
    return safe_name("_".join(p for p in parts if p))


def safe_name(stem: str) -> str:
    """A filename-safe stem: lower-case letters, digits, '-', '_' and '.'; at most 150 chars."""
    clean = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return clean[:150] or "chart"


def filename(stem: str, fmt: str) -> str:
    """The stem with the format's extension."""
    return f"{safe_name(stem)}.{fmt}"
