"""The rules behind the figures, as plain functions of frames (no Streamlit, no SQL).

Each is named after what it returns, and tested against the fixture warehouse like the queries.
"""

from __future__ import annotations

import polars as pl

MIN_POSTINGS = 30  # figures with fewer postings behind them are greyed, not ranked


def comparable(ranking: pl.DataFrame) -> pl.DataFrame:
    """Rows of a tech_ranking frame that have a 12-month change (the range spans 24 months)."""
    return ranking.filter(pl.col("change_pp").is_not_null())


def risers(ranking: pl.DataFrame, min_postings: int = MIN_POSTINGS, limit: int = 8
           ) -> pl.DataFrame:
    """Technologies whose share rose most over the last 12 months, with at least min_postings
    postings in those months; largest rise first."""
    return (comparable(ranking)
            .filter((pl.col("recent_postings") >= min_postings) & (pl.col("change_pp") > 0))
            .sort(["change_pp", "technology_id"], descending=[True, False]).head(limit))


def fallers(ranking: pl.DataFrame, min_postings: int = MIN_POSTINGS, limit: int = 8
            ) -> pl.DataFrame:
    """Technologies whose share fell most over the last 12 months, with at least min_postings
    postings in those months; largest fall first."""
    return (comparable(ranking)
            .filter((pl.col("recent_postings") >= min_postings) & (pl.col("change_pp") < 0))
            .sort(["change_pp", "technology_id"]).head(limit))
