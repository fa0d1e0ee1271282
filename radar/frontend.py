"""Streamlit's frontend files as the app serves them: the code that draws the start page's
elements asked for while the page starts instead of when each kind of element first arrives
(radar/serve.py serves the patched index.html; radar/ui.py runs the Plotly code once the run of
any page but the start page begins).

Streamlit's frontend fetches the chunk that draws a kind of element (static/js/<Kind>.<hash>.js
and the chunks it imports) only when the first such element reaches the browser: on a cold
start, while the server is busy running the page. The largest is the browser's Plotly chart
code (PlotlyChart, about 4.7 MB). Fetched early, that code runs as soon as a chart asks for it,
and its run (about 0.7 s of the main thread) would come before the browser paints the start
page's first chart, which it can draw without Plotly (radar/first_paint.py). So the app serves
the chunk under another name (:func:`code_name`) and, under Streamlit's name, a small module
that first lets the browser paint that drawing, when the page has one, and then runs the code.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from streamlit.file_util import get_static_dir

from radar import first_paint

# The kinds of element the start page draws up to its first chart, by the name of the frontend
# chunk that draws each: the Plotly chart (its code, served under ``code_name``), the early
# script of the other pages (Html), the sidebar's month slider (Slider), filters (Multiselect),
# toggle (Checkbox) and number input; the Overview's metrics. (Its first chart's drawing is
# markdown, whose chunk Streamlit's index.html names itself.)
FIRST_CHART_CHUNKS = ("PlotlyChart", "Html", "Slider", "Multiselect", "Checkbox", "NumberInput",
                      "Metric")

# A static import of a chunk: `import{a as b}from"./x.js"` or `import"./x.js"` (not a dynamic
# `import("./x.js")`). A chunk's static imports sit at its top (Streamlit 1.67's end within the
# first 10 KB of each file), so only a file's first HEAD_BYTES are read for them.
_STATIC_IMPORT = re.compile(r'import\s*(?:[\w$*{}\s,]*?from\s*)?"\./([\w.$-]+\.js)"')
HEAD_BYTES = 64 * 1024


def chunk_in(static: Path, kind: str) -> str | None:
    """The file name of the chunk that draws ``kind`` in a Streamlit frontend folder
    (static/js/<kind>.<hash>.js), or None when it has none."""
    found = sorted((static / "static" / "js").glob(f"{kind}.*.js"))
    return found[0].name if found else None


def bundle_in(static: Path) -> str | None:
    """The file name of the browser's Plotly chart code in a Streamlit frontend folder
    (static/js/PlotlyChart.<hash>.js, about 4.7 MB), or None when it has none."""
    return chunk_in(static, "PlotlyChart")


@functools.cache
def plotly_bundle() -> str | None:
    """:func:`bundle_in` Streamlit's own frontend (the installed package's)."""
    return bundle_in(Path(get_static_dir()))


def static_imports(code: str) -> list[str]:
    """The files (of the same folder) a chunk's code imports statically, in order."""
    return _STATIC_IMPORT.findall(code)


def import_closure(js: Path, name: str, known: frozenset[str] = frozenset()) -> list[str]:
    """``name`` (a file of the folder ``js``) and every file it imports, directly or not, each
    once, each after the files it imports; files missing from the folder are left out, and so
    are ``known`` files with what they import."""
    out: list[str] = []
    seen: set[str] = set(known)

    def visit(file: str) -> None:
        if file in seen or not (js / file).is_file():
            return
        seen.add(file)
        with (js / file).open("rb") as code:
            head = code.read(HEAD_BYTES).decode("utf-8", errors="ignore")
        for imported in static_imports(head):
            visit(imported)
        out.append(file)

    visit(name)
    return out


def first_chart_files(static: Path, kinds: tuple[str, ...] = FIRST_CHART_CHUNKS,
                      known: frozenset[str] = frozenset()) -> list[str]:
    """The files of static/js/ the browser needs to draw the start page's elements up to its
    first chart (the chunks of ``kinds`` with what they import), each once, the Plotly bundle
    first; ``known`` files (those index.html loads already) and what they import left out;
    empty when the folder has no Plotly bundle."""
    if bundle_in(static) is None:
        return []
    js, out = static / "static" / "js", []
    for kind in kinds:
        chunk = chunk_in(static, kind)
        # the chunk itself first (the Plotly bundle is the one to start early), then its imports
        for file in [chunk, *import_closure(js, chunk, known)] if chunk else []:
            if file not in out:
                out.append(file)
    return out


def named_scripts(html: str) -> frozenset[str]:
    """The files of static/js/ a page names (its scripts and preloads)."""
    return frozenset(re.findall(r'"\./static/js/([^"]+\.js)"', html))


def _preload_link(file: str, low: bool) -> str:
    priority = ' fetchpriority="low"' if low else ""
    return f'    <link rel="modulepreload" crossorigin href="./static/js/{file}"{priority}>\n'


def index_with_preload(html: str, files: list[str]) -> str:
    """Streamlit's index.html that also has the browser fetch and compile ``files`` (of
    static/js/) while the page starts, after the frontend's own modules: the first (the Plotly
    bundle) at the browser's usual priority, the rest at low priority. Files the page already
    names are left out; unchanged when none is left or it has no </head>."""
    new = [f for f in files if f"./static/js/{f}" not in html]
    if not new or "</head>" not in html:
        return html
    links = "".join(_preload_link(f, low=f != files[0]) for f in new)
    return html.replace("</head>", f"{links}  </head>", 1)


# A chunk's closing export statement: `export{Je as PlotlyChart,Xe as default};`.
_EXPORTS = re.compile(r"export\s*\{([^}]*)\}\s*;?\s*$")

# The module served under the Plotly chunk's own name. On the start page (the app's root
# address) it waits until the first chart's drawing (first_paint.CLASS) is in the page with
# every element before it drawn (no placeholder left above it: the metrics' code may come
# later than the chart's), and two animation frames and a task have passed, so that the frame
# showing them has been painted (the frame `make bench`'s first-chart clock takes); then it
# runs the chunk (served under code_name). Elsewhere, or when that has not happened within
# WAIT_MS, it runs it at once.
WAIT_MS = 2000
_AFTER_FIRST_PAINT = """\
// Hiring Radar (radar/frontend.py): Streamlit's Plotly chart chunk, run once the browser has
// painted the start page's first chart drawn without it (radar/first_paint.py).
const root = new URL("../../", import.meta.url).pathname;
const ready = () => {
  const drawing = document.querySelector(".__CLASS__");
  return drawing && ![...document.querySelectorAll("[data-testid=stSkeleton]")].some(
    s => s.compareDocumentPosition(drawing) & Node.DOCUMENT_POSITION_FOLLOWING);
};
if (location.pathname === root || location.pathname + "/" === root)
  await new Promise(done => {
    const painted = () => requestAnimationFrame(() => requestAnimationFrame(
      () => setTimeout(done, 0)));
    if (ready()) return painted();
    const late = setTimeout(() => { seen.disconnect(); done(); }, __WAIT__);
    const seen = new MutationObserver(() => {
      if (!ready()) return;
      seen.disconnect();
      clearTimeout(late);
      painted();
    });
    seen.observe(document, {subtree: true, childList: true});
  });
window.__plotlyChartCodeRun = performance.now();
const chunk = await import("./__CODE__");
__EXPORTS__
"""


def chunk_exports(code: str) -> list[str]:
    """The names a chunk exports in its closing export statement (empty when it has none);
    ``code`` may be the chunk's last few KB."""
    found = _EXPORTS.search(code[-4096:])
    if not found:
        return []
    return [part.split(" as ")[-1].strip() for part in found.group(1).split(",") if part.strip()]


def code_name(bundle: str) -> str:
    """The name the Plotly chunk's own code is served under: PlotlyChart.<hash>.js becomes
    PlotlyChartCode.<hash>.js (same folder, so its relative imports resolve as before)."""
    return bundle.replace("PlotlyChart.", "PlotlyChartCode.", 1)


def after_first_paint(code: str, exports: list[str]) -> str:
    """The module served under the Plotly chunk's name: it runs ``code`` (a file of the same
    folder) after the first chart's drawing has been painted, and exports what it exports."""
    lines = [f"export default chunk.{name};" if name == "default"
             else f"export const {name} = chunk.{name};" for name in exports]
    return (_AFTER_FIRST_PAINT.replace("__CLASS__", first_paint.CLASS)
            .replace("__WAIT__", str(WAIT_MS)).replace("__CODE__", code)
            .replace("__EXPORTS__", "\n".join(lines)))


def _linked(source: Path, into: Path, keep: set[str]) -> None:
    """``into`` made to hold a link to every entry of ``source`` but those named in ``keep``."""
    into.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name not in keep:
            (into / entry.name).symlink_to(entry)


def preloaded_files(static: Path, html: str) -> list[str]:
    """The files the served index.html has the browser fetch while the page starts:
    :func:`first_chart_files` beyond those ``html`` (Streamlit's index.html) names, the Plotly
    chunk by :func:`code_name` (its code, not the module that waits to run it)."""
    bundle = bundle_in(static)
    return [code_name(f) if f == bundle else f
            for f in first_chart_files(static, known=named_scripts(html))]


def with_preload(static: Path, into: Path) -> Path | None:
    """A folder serving Streamlit's frontend (``static``) as it is, but with
    :func:`index_with_preload`'s index.html for :func:`first_chart_files`, and the Plotly chunk
    served as :func:`code_name` with :func:`after_first_paint`'s module under its own name:
    links to every other file, made in ``into``; None (serve Streamlit's own) when there is
    nothing to add or the chunk's exports cannot be read."""
    index, bundle = static / "index.html", bundle_in(static)
    if not index.is_file() or bundle is None:
        return None
    js = static / "static" / "js"
    with (js / bundle).open("rb") as chunk:
        chunk.seek(max(chunk.seek(0, 2) - 4096, 0))
        exports = chunk_exports(chunk.read().decode("utf-8", errors="ignore"))
    if "default" not in exports:
        return None
    html = index.read_text(encoding="utf-8")
    patched = index_with_preload(html, preloaded_files(static, html))
    _linked(static, into, {"index.html", "static"})
    _linked(static / "static", into / "static", {"js"})
    _linked(js, into / "static" / "js", {bundle})
    (into / "static" / "js" / code_name(bundle)).symlink_to(js / bundle)
    (into / "static" / "js" / bundle).write_text(after_first_paint(code_name(bundle), exports),
                                                 encoding="utf-8")
    (into / "index.html").write_text(patched, encoding="utf-8")
    return into
