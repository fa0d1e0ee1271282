"""Plain text from the HTML fragments job postings come in.

One implementation of each pass, used by the sources (html_to_text, at load) and by the tagger
(html_text and plain_text, which also give the text's non-ASCII characters). The Unicode and
whitespace passes look only where they can change something (docs/build.md: the build's CPU).
"""

from __future__ import annotations

import html
import re
import unicodedata

from etl.transforms import C_PASSES

_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d|h\d|/tr|tr|/ul|ul|/ol|ol)\b[^>]*>",
                         re.IGNORECASE)
_LI_TAG = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r" [ \t\u00a0]+|[\t\u00a0][ \t\u00a0]*")  # only runs that change
_DOUBLE_SPACES = re.compile("  +")  # the same runs in text with no tab or no-break space
_BLANK_LINES = re.compile(r"\n\s*\n+")
# where html.unescape can change a text: an entity starts "&#" or "&" and a letter (every name
# of html.entities.html5 starts with an ASCII letter); "Sales & Marketing" has none
_MAY_BE_ENTITY = re.compile(r"&[#A-Za-z]")
# The characters other than " \t\n\r" that str.strip() takes for whitespace or str.splitlines()
# for a line break, and NFKC keeps (no other character's NFKC holds one: tests/test_text.py).
# html_to_text strips lines with str.strip() after str.splitlines(); plain_text only knows
# spaces, tabs and "\n", so a text holding one of these goes the line-by-line way.
ODD_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"
ASCII_BYTES = bytes(range(128))


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment: tags dropped, block tags as line breaks, entities decoded,
    Unicode NFKC, runs of spaces and tabs as one space, lines stripped, blank lines collapsed."""
    if not fragment:
        return ""
    text = _without_tags_and_entities(fragment)
    if any(char in text for char in ODD_SPACES):
        return _line_by_line(text)
    return plain_text(text)[0]


def _line_by_line(text: str) -> str:
    """The plain text passes of html_to_text one after the other, over the whole text."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub(" ", text)  # every run of spaces, tabs and no-break spaces as one space
    text = "\n".join(line.strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", text).strip()


def html_text(fragment: str) -> tuple[str, str]:
    """Plain text of an HTML fragment (tags dropped, block tags as line breaks, entities
    decoded), by plain_text; also the non-ASCII characters of the result."""
    return plain_text(_without_tags_and_entities(fragment))


def _without_tags_and_entities(fragment: str) -> str:
    """The fragment with its tags dropped (block tags and list items as line breaks) and its
    entities decoded (twice where it was escaped twice: "&amp;#39;")."""
    text = fragment
    if "<" in text:  # many postings come here for an "&" alone
        text = _tags_as_lines(text) if C_PASSES is None else C_PASSES.tags_as_lines(text)
    # html.unescape's regex and its calls cost more; "&" found by memchr costs less still
    if "&" not in text or not _MAY_BE_ENTITY.search(text):
        return text
    return html.unescape(html.unescape(text)) if "&amp;#" in text else html.unescape(text)


def _tags_as_lines(text: str) -> str:
    """The text with its tags dropped, block tags as line breaks and list items as "- " lines
    (the reference of the C pass, etl/transforms/_passes.c: tests/test_c_passes.py)."""
    text = _LI_TAG.sub("\n- ", text)
    text = _BLOCK_TAGS.sub("\n", text)
    return _ANY_TAG.sub("", text)


def non_ascii(text: str) -> str:
    """The characters of text outside ASCII, in order, in two passes over its bytes."""
    if text.isascii():
        return ""
    data = text.encode("utf-8", "surrogatepass").translate(None, ASCII_BYTES)
    return data.decode("utf-8", "surrogatepass")


def is_nfkc(text: str, others: str) -> bool:
    """unicodedata.is_normalized("NFKC", text), mostly from its non-ASCII characters alone.

    ASCII characters are NFKC, never compose with a following character of combining class 0
    (every primary composite with an ASCII first character has a combining mark second) and
    reset the canonical ordering. So when no character of others (the non-ASCII characters of
    text, in order) is a combining mark, text is NFKC if others is: characters that compose in
    text are adjacent in it, so adjacent in others too (a failed test there, also for a pair
    adjacent only there, falls back to the whole text).
    """
    if not any(map(unicodedata.combining, set(others))) and \
            unicodedata.is_normalized("NFKC", others):
        return True
    return unicodedata.is_normalized("NFKC", text)


def nfkc(text: str, others: str) -> tuple[str, str]:
    """unicodedata.normalize("NFKC", text) and its non-ASCII characters, in order.

    Most texts that are not NFKC hold a few compatibility characters ("…", "™", a narrow
    no-break space): each is replaced by its own NFKC form, and when the result is NFKC it is
    the answer (it has the NFKD of text, since NFKD(NFKC(c)) is NFKD(c) for every character,
    and NFKC is the composition of NFKD). Otherwise the whole text is normalised, at about 250
    instructions a character.
    """
    replaced, changed = text, False
    for char in set(others):
        form = unicodedata.normalize("NFKC", char)
        if form != char:
            replaced, changed = replaced.replace(char, form), True
    if changed:
        rest = non_ascii(replaced)
        if not rest or is_nfkc(replaced, rest):
            return replaced, rest
    text = unicodedata.normalize("NFKC", text)
    return text, non_ascii(text)


def plain_text(text: str) -> tuple[str, str]:
    """Plain text: Unicode NFKC, runs of spaces as one, lines stripped, blank lines collapsed;
    also the non-ASCII characters of the result, in order."""
    others = non_ascii(text)  # ASCII text is NFKC already and has no no-break space
    if others and not is_nfkc(text, others):
        text, others = nfkc(text, others)
    if C_PASSES is not None:  # the passes below in C (etl.compile); no-break spaces become spaces
        return C_PASSES.plain_text(text), others.replace("\u00a0", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a regex that may start at every space is slow: the runs of spaces are found by one that
    # starts at two spaces, unless there is a tab or a no-break space
    if "\t" in text or "\u00a0" in others:
        text = _SPACES.sub(" ", text)
        others = others.replace("\u00a0", "")
    elif "  " in text:
        text = _DOUBLE_SPACES.sub(" ", text)
    if "\n" in text:
        text = _without_spaces_at_breaks(text)
    return _BLANK_LINES.sub("\n\n", text).strip(), others


def _without_spaces_at_breaks(text: str) -> str:
    """Drops the space before and after each line break (spaces are single here): a search for
    two characters starting with a space is slow where spaces are everywhere, one for a line
    break is not."""
    lines = text.split("\n")
    edges = [line.strip(" ") for line in lines]
    edges[0], edges[-1] = lines[0].rstrip(" "), lines[-1].lstrip(" ")
    return "\n".join(edges)
