"""What the About page says about the embedded real history (pure text, no Streamlit)."""

from __future__ import annotations


def embedded_history_text(info: dict) -> str:
    """Markdown: where the embedded history comes from, its size, months, tagging and updating."""
    months = info.get("months") or []
    span = f"{months[0]} to {months[-1]}" if months else "no months"
    replaced = info.get("replaced_by_live", 0)
    live = (f" {replaced:,} of them are replaced by your own ingested HN files (same HN item, "
            "same posting id)." if replaced else "")
    return (
        f"**{info.get('postings', 0):,} HN postings** from "
        f"{len(months)} monthly \"Ask HN: Who is hiring?\" threads, {span}, come with the "
        f"project in `data/embedded/`.{live} They were built by this project's own pipeline "
        f"(header parsing, pay, tagging, the month rule) from {info.get('source', 'the archive')}"
        f"; the files keep ids, dates, the parsed header fields, pay, the technologies with the "
        "words and rule that matched, and each posting's HN link, but not the posting text "
        "(it belongs to its authors: the postings panel links to HN instead). "
        f"Tagged with taxonomy **{info.get('taxonomy_version', '?')}**.\n\n"
        f"Bring it up to date online: `python -m etl ingest hn --since {_next(months)}` then "
        "`python -m etl build` (the history stays; new threads are added). Rebuild the embedded "
        f"files from the archive with `{info.get('rebuild', 'make embedded')}`. See "
        "docs/hn_history.md.")


def _next(months: list[str]) -> str:
    """The month after the last embedded one (YYYY-MM), where an update should start."""
    if not months:
        return "2011-04"
    year, month = map(int, months[-1].split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"
