"""The postings behind a figure, as HTML: matched words highlighted, the rule that matched.

Pure functions (no Streamlit): every value from a posting is HTML-escaped before any markup is
added, and links are kept only when they are http(s).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import polars as pl

SNIPPET = 220


def _pattern(words: Iterable[str]) -> re.Pattern | None:
    unique = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not unique:
        return None
    # letters and digits either side would make a different word ("Go" inside "Google")
    return re.compile("|".join(rf"(?<![\w]){re.escape(w)}(?![\w])" if w[0].isalnum()
                               and w[-1].isalnum() else re.escape(w) for w in unique),
                      re.IGNORECASE)


def highlight(text: str | None, words: Iterable[str]) -> str:
    """The text HTML-escaped, with each occurrence of the words wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(words)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str | None, words: Iterable[str], width: int = SNIPPET) -> str:
    """The part of the text around the first match (plain), at most about ``width`` chars."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    if len(text) <= width:
        return text
    start = 0 if match is None else max(0, match.start() - width // 3)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def safe_link(url: str | None) -> str | None:
    """The URL when it is http(s), else None (no javascript: or data: links)."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def no_text_note(link: str | None) -> str:
    """What stands in for the excerpt of a posting shipped without its text (embedded history)."""
    if link is None:
        return "<em>Text not shipped with the embedded history.</em>"
    where = "Hacker News" if "news.ycombinator.com" in link else "the source"
    return (f'<em>Text not shipped with the embedded history: <a href="{html.escape(link)}" '
            f'target="_blank" rel="noopener noreferrer">read it on {where}</a>.</em>')


def postings_html(frame: pl.DataFrame) -> str:
    """A table of postings: title (linked), company, date, source, the matched words highlighted
    in the title and an excerpt of the text, and the taxonomy entry and rule that matched."""
    rows = []
    for p in frame.iter_rows(named=True):
        words = [p["surface"]] if p.get("surface") else []
        title = highlight(p["title"], words)
        link = safe_link(p.get("url"))
        if link:
            title = (f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">'
                     f"{title}</a>")
        excerpt = (highlight(snippet(p.get("description"), words), words)
                   if (p.get("description") or "").strip() else no_text_note(link))
        entry = (f"{html.escape(p['technology'] or '')} "
                 f"(<code>{html.escape(p['technology_id'] or '')}</code>): "
                 f"{html.escape(p['rule'] or '')}")
        rows.append(
            f"<tr><td>{title}<br><small>{excerpt}</small></td>"
            f"<td>{html.escape(p['company'] or '')}</td><td>{p['posted_date']}</td>"
            f"<td>{html.escape(p['source'] or '')}</td>"
            f"<td>“{html.escape(p['surface'] or '')}”<br><small>{entry}</small></td></tr>")
    return ('<table class="postings-behind"><thead><tr><th>Posting</th><th>Company</th>'
            "<th>Date</th><th>Source</th><th>Matched</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
