"""Streamlit's frontend files as the app serves them: the code that draws the start page's
elements asked for while the page starts instead of when each kind of element first arrives
(radar/serve.py serves the patched index.html; radar/ui.py runs the Plotly code once the app's
run begins).

Streamlit's frontend fetches the chunk that draws a kind of element (static/js/<Kind>.<hash>.js
and the chunks it imports) only when the first such element reaches the browser: on a cold
start, while the server is busy running the page. The largest is the browser's Plotly chart
code (PlotlyChart, about 4.7 MB).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from streamlit.file_util import get_static_dir

# The kinds of element the start page draws up to its first chart, by the name of the frontend
# chunk that draws each: the sidebar's early script (Html), month slider (Slider), filters
# (Multiselect), toggle (Checkbox) and number input; the Overview's metrics and its chart.
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


def with_preload(static: Path, into: Path) -> Path | None:
    """A folder serving Streamlit's frontend (``static``) as it is, but with
    :func:`index_with_preload`'s index.html for :func:`first_chart_files`: links to every other
    entry and the patched index.html, made in ``into``; None (serve Streamlit's own) when there
    is nothing to add."""
    index = static / "index.html"
    if not index.is_file():
        return None
    html = index.read_text(encoding="utf-8")
    patched = index_with_preload(html, first_chart_files(static, known=named_scripts(html)))
    if patched == html:
        return None
    into.mkdir(parents=True, exist_ok=True)
    for entry in static.iterdir():
        if entry.name != "index.html":
            (into / entry.name).symlink_to(entry)
    (into / "index.html").write_text(patched, encoding="utf-8")
    return into
