"""Streamlit's frontend files as the app serves them: the browser's Plotly chart code (the largest
script of Streamlit's frontend, loaded by the frontend only when a first chart arrives) asked
for while the page starts instead (radar/serve.py serves the patched index.html; radar/ui.py
runs the code once the app's run begins).
"""

from __future__ import annotations

import functools
from pathlib import Path

from streamlit.file_util import get_static_dir


def bundle_in(static: Path) -> str | None:
    """The file name of the browser's Plotly chart code in a Streamlit frontend folder
    (static/js/PlotlyChart.<hash>.js, about 4.7 MB), or None when it has none."""
    found = sorted((static / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if found else None


@functools.cache
def plotly_bundle() -> str | None:
    """:func:`bundle_in` Streamlit's own frontend (the installed package's)."""
    return bundle_in(Path(get_static_dir()))


def index_with_preload(html: str, bundle: str) -> str:
    """Streamlit's index.html that also has the browser fetch and compile Plotly's chart code
    (``bundle``, a file of static/js/) while the page starts, beside the frontend's own
    modules; unchanged when it has no </head> or already names the bundle."""
    if bundle in html or "</head>" not in html:
        return html
    link = f'<link rel="modulepreload" crossorigin href="./static/js/{bundle}">\n'
    return html.replace("</head>", f"    {link}  </head>", 1)


def with_preload(static: Path, into: Path) -> Path | None:
    """A folder serving Streamlit's frontend (``static``) as it is, but with
    :func:`index_with_preload`'s index.html: links to every other entry and the patched
    index.html, made in ``into``; None (serve Streamlit's own) when there is nothing to add."""
    bundle, index = bundle_in(static), static / "index.html"
    if not bundle or not index.is_file():
        return None
    html = index.read_text(encoding="utf-8")
    patched = index_with_preload(html, bundle)
    if patched == html:
        return None
    into.mkdir(parents=True, exist_ok=True)
    for entry in static.iterdir():
        if entry.name != "index.html":
            (into / entry.name).symlink_to(entry)
    (into / "index.html").write_text(patched, encoding="utf-8")
    return into


