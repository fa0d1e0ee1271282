"""etl.text.html_to_text, which every source runs over every description at load, gives exactly
what its passes one after the other gave (``line_by_line_html_to_text`` below, the function as it
was), now through the faster passes the tagger uses (plain_text), on hand-picked hard cases,
generated text, the sample's descriptions and the real HN postings."""

from __future__ import annotations

import gzip
import html
import html.entities
import json
import re
import sys
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import text as text_module
from etl.sample import write_sample
from etl.text import ODD_SPACES, html_to_text

_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d|h\d|/tr|tr|/ul|ul|/ol|ol)\b[^>]*>",
                         re.IGNORECASE)
_LI_TAG = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def line_by_line_html_to_text(fragment: str | None) -> str:
    """etl.text.html_to_text before it went through plain_text (2026-12-03), kept as the spec."""
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


def test_odd_spaces_are_every_other_space_or_break_nfkc_keeps():
    spaces = [chr(i) for i in range(sys.maxunicode + 1)
              if chr(i).isspace() or len(f"a{chr(i)}b".splitlines()) > 1]
    kept = {c for c in spaces if unicodedata.normalize("NFKC", c) == c} - set(" \t\n\r")
    assert kept == set(ODD_SPACES)
    # and no other character becomes one under NFKC (so looking before NFKC is enough)
    makers = [chr(i) for i in range(sys.maxunicode + 1)
              if chr(i) not in ODD_SPACES
              and any(c in ODD_SPACES for c in unicodedata.normalize("NFKC", chr(i)))]
    assert makers == []


HARD = ["", " ", "a", " a ", "\n", "a\r\nb", "a\rb", "a\n \n \nb", "  a  \t b \u00a0 c  ",
        "a\x0bb", " a \x0c b ", "a\x1c\x1d\x1e\x1fb", "x \x85 y", "p\u2028q\u2029r", "\u1680a",
        "<li>one</li><li>two</li>", "<p>a</p>\n\n\n<p>b</p>", "&amp;#39;quoted&amp;#39;",
        "&nbsp;a&nbsp;", "&#11;x&#x2028;y", "&#133;z", "ﬁ ﬂ ™ … ½", "é é", "\u3000a\u3000",
        "a\u00a0\n\u00a0b", "<br/>\t<br>", "a \n\t\n b", "\t\tx\t\t", "Sales & Marketing",
        "R&D, Q&A & more", "&1 &; && &\u00e9 &_x", "&lang &Aacute; &aacute &ampx", "AT&T&#39;s"]


def test_every_entity_name_starts_with_an_ascii_letter():
    """etl.text leaves a text whose every "&" is followed by something else as it is: html.unescape
    has nothing to replace there."""
    assert all(name[0].isascii() and name[0].isalpha() for name in html.entities.html5)


def test_the_same_text_on_hard_cases():
    for fragment in HARD:
        assert html_to_text(fragment) == line_by_line_html_to_text(fragment), repr(fragment)
    assert html_to_text(None) == ""
    # both ways are taken
    odd = sum(any(c in html.unescape(f) for c in ODD_SPACES) for f in HARD)
    assert odd >= 6 and len(HARD) - odd >= 15


PIECES = ["Python", "go", "C++", "&", "R&D", "&amp;", "&#35;", "&amp;#39;", "&nbsp;", "<li>",
          "</li>", "<br>", "</p>", "<div class='x'>", "<b>", "İstanbul", "ǅ", "é", "e\u0301", "ﬁ",
          "™", "…", "’", "\u200b", "½", "Ⅻ", "①"]
GAPS = [" ", "  ", "\t", "\u00a0", "\n", " \n ", "\n\n\n", "\r\n", "\r", ", ", ". ", "", "-",
        " \t\u00a0 ", "\u3000", "\u2003", "\u202f", *ODD_SPACES]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40))
def test_the_same_text_on_generated_text(parts):
    fragment = "".join(piece + gap for piece, gap in parts)
    assert html_to_text(fragment) == line_by_line_html_to_text(fragment)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_same_text_on_any_text(fragment):
    assert html_to_text(fragment) == line_by_line_html_to_text(fragment)


def test_the_same_text_on_sample_descriptions(tmp_path):
    raw = write_sample(tmp_path / "raw", seed=5, n=3_000)
    fragments = []
    for path in sorted(raw.glob("postings-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            fragments += [json.loads(line).get("description_html") for line in handle]
    assert len(fragments) >= 2_900
    different = [f for f in fragments if html_to_text(f) != line_by_line_html_to_text(f)]
    assert different == []


def test_the_same_text_on_real_hn_postings(shared_data):
    fragments = []
    for path in sorted((shared_data / "hn").rglob("*.json"))[:20]:
        data = json.loads(path.read_text(encoding="utf-8"))
        stack = [data]
        while stack:  # every "text" field of the thread, Algolia's or Firebase's shape
            item = stack.pop()
            if isinstance(item, dict):
                if isinstance(item.get("text"), str):
                    fragments.append(item["text"])
                stack += list(item.values())
            elif isinstance(item, list):
                stack += item
    assert len(fragments) >= 500
    different = [f for f in fragments if html_to_text(f) != line_by_line_html_to_text(f)]
    assert different == []


def test_the_tagger_reads_its_passes_from_here():
    from etl.transforms import tagger
    assert tagger.plain_text is text_module.plain_text
    assert tagger.html_text is text_module.html_text
