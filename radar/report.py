"""A report of charts and tables: one self-contained HTML file (plotly.js inlined, works offline)
and a PDF of the same content, printed by the system Chromium.

Knows nothing of Streamlit: the report page keeps a list of :class:`Item` in the session and
calls :func:`report_html` and :func:`report_pdf`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.offline import get_plotlyjs

from radar import export

TABLE_ROWS = 200
_STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; color: #1f2937; max-width: 1140px;
       margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.8em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin: 0 0 .3em; }
.meta, .provenance { color: #555; font-size: .85em; }
.notes { margin: 1em 0 2em; } .item { margin: 2.2em 0; page-break-inside: avoid; }
.item img { width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .85em; } td, th { border: 1px solid #d1d5db;
  padding: .2em .5em; text-align: left; } th { background: #f3f4f6; }
@page { size: A4; margin: 14mm; }
"""


@dataclass(frozen=True)
class Item:
    """One chart or table in a report, with the view it came from."""

    kind: str  # "chart" or "table"
    title: str
    page: str
    filters: str
    name: str
    figure: dict | None = None
    table: pl.DataFrame | None = None
    link: str = ""
    note: str = ""
    uid: str = ""


def chart_item(fig: go.Figure, frame: pl.DataFrame, name: str, page: str, filters: str,
               link: str = "") -> Item:
    """A chart as a report item: the figure as drawn, its data, and the filters it had."""
    title = fig.layout.title.text or name
    return Item("chart", title, page, filters, name, figure=fig.to_plotly_json(), table=frame,
                link=link)


def table_item(frame: pl.DataFrame, title: str, name: str, page: str, filters: str,
               link: str = "") -> Item:
    """A table as a report item."""
    return Item("table", title, page, filters, name, table=frame, link=link)


def move(items: list[Item], index: int, step: int) -> list[Item]:
    """The items with one moved ``step`` places (clamped to the ends)."""
    out = list(items)
    target = min(max(index + step, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


def remove(items: list[Item], index: int) -> list[Item]:
    """The items without the one at ``index``."""
    return [item for i, item in enumerate(items) if i != index]


def with_note(items: list[Item], index: int, note: str) -> list[Item]:
    """The items with one item's note replaced."""
    return [replace(item, note=note) if i == index else item for i, item in enumerate(items)]


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def table_html(frame: pl.DataFrame, limit: int = TABLE_ROWS) -> str:
    """An HTML table of the frame's first rows, every value escaped."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>"
                                    for v in row) + "</tr>"
                   for row in frame.head(limit).iter_rows())
    more = (f"<p class='meta'>First {limit} of {frame.height:,} rows.</p>"
            if frame.height > limit else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def _chart_html(item: Item, index: int, static: bool) -> str:
    fig = go.Figure(item.figure)
    if static:
        svg = export.figure_bytes(fig, "svg")
        data = base64.b64encode(svg).decode()
        return f'<img alt="{html.escape(item.title)}" src="data:image/svg+xml;base64,{data}">'
    return pio.to_html(export.standalone(fig), full_html=False, include_plotlyjs=False,
                       div_id=f"item-{index}", config={"displaylogo": False})


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_link(link: str) -> str | None:
    """The link if a report may carry it: http(s), or relative to the app (?query, /path, #id);
    None for any other scheme (javascript:, data:, file:) or a link with control characters or
    spaces, which browsers drop before reading the scheme ("java\tscript:")."""
    if not link or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in link):
        return None
    scheme = _SCHEME.match(link)
    if scheme:
        return link if scheme.group(1).lower() in ("http", "https") else None
    return link if link[0] in "?/#" else None


def _item_html(item: Item, index: int, static: bool) -> str:
    body = _chart_html(item, index, static) if item.kind == "chart" else table_html(item.table)
    source = f"From the {html.escape(item.page)} page · Filters: {html.escape(item.filters)}"
    link = safe_link(item.link)
    if link:
        source += f' · <a href="{html.escape(link)}">open this view</a>'
    return (f'<section class="item"><h2>{index + 1}. {html.escape(item.title)}</h2>'
            f'<p class="provenance">{source}</p>{body}{_paragraphs(item.note)}</section>')


def report_html(title: str, notes: str, items: list[Item], static: bool = False,
                created: dt.datetime | None = None) -> str:
    """The whole report as one HTML page; interactive charts with plotly.js inlined, or (static)
    SVG images for printing."""
    created = created or dt.datetime.now()
    script = ""
    if not static and any(item.kind == "chart" for item in items):
        script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    body = "".join(_item_html(item, i, static) for i, item in enumerate(items))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>{script}</head><body>"
            f"<h1>{html.escape(title)}</h1>"
            f'<p class="meta">Hiring Radar report · {created:%Y-%m-%d %H:%M} · '
            f"{len(items)} item{'s' if len(items) != 1 else ''}</p>"
            f'<div class="notes">{_paragraphs(notes)}</div>{body}</body></html>')


def report_pdf(title: str, notes: str, items: list[Item], timeout: float = 120) -> bytes:
    """The report as a PDF: its static HTML printed by the system Chromium (charts as vectors)."""
    browser = export.browser_path()
    if browser is None:
        raise export.NoBrowser("a PDF report needs Chromium (`apt-get install chromium`)")
    with tempfile.TemporaryDirectory(prefix="radar-report-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(report_html(title, notes, items, static=True), encoding="utf-8")
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
             f"--print-to-pdf={out}", page.as_uri()],
            check=True, timeout=timeout, capture_output=True)
        data = out.read_bytes()
    if not data.startswith(b"%PDF"):
        raise RuntimeError("Chromium did not write a PDF")
    return data
