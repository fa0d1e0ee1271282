"""Plain text from the HTML fragments job postings come in."""

from __future__ import annotations

import html
import re
import unicodedata

_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d|h\d|/tr|tr|/ul|ul|/ol|ol)\b[^>]*>",
                         re.IGNORECASE)
_LI_TAG = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, block tags as line breaks, entities decoded."""
    if not fragment:
        return ""
    text = _LI_TAG.sub("\n- ", fragment)
    text = _BLOCK_TAGS.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(html.unescape(text)) if "&amp;#" in text else html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", text).strip()
