"""The rules behind the figures, as plain functions of frames (no Streamlit, no SQL).

Each is named after what it returns, and tested against the fixture warehouse like the queries.
"""

from __future__ import annotations

import datetime as dt

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


# --- Months ------------------------------------------------------------------------------------

def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def incomplete_month(last_month: dt.date, built_on: dt.date) -> dt.date | None:
    """The data's last month when the warehouse was built before that month ended (its counts
    are partial: a few days of postings), else None."""
    return last_month if built_on < next_month(last_month) else None


def last_complete_month(first_month: dt.date, last_month: dt.date, built_on: dt.date
                        ) -> dt.date:
    """The last month whose postings are all in: the last month, or the one before when the
    last is incomplete (never before the first month)."""
    if incomplete_month(last_month, built_on) is None:
        return last_month
    before = (last_month - dt.timedelta(days=1)).replace(day=1)
    return max(before, first_month)


# --- Monthly series -----------------------------------------------------------------------------

def rolling_mean(series: pl.DataFrame, months: int = 3) -> pl.DataFrame:
    """A monthly series (month, technology_id, postings, total, ...) over a window of ``months``
    months ending at each month (fewer at the start of the range): ``window_postings`` and
    ``window_total`` summed over the window, ``share`` their ratio (the share of the window's
    postings, so months weigh by their postings), ``per_month`` the mean postings per month,
    and ``window_months`` the months in the window. With months=1 the monthly figures."""
    window = f"{months}mo"
    out = series.sort("technology_id", "month").with_columns(pl.lit(1).alias("window_months"))
    out = out.with_columns(
        pl.col("postings").cast(pl.Float64).rolling_sum_by("month", window)
        .over("technology_id").alias("window_postings"),
        pl.col("total").cast(pl.Float64).rolling_sum_by("month", window)
        .over("technology_id").alias("window_total"),
        pl.col("window_months").rolling_sum_by("month", window).over("technology_id"),
    )
    return out.with_columns(
        (pl.col("window_postings") / pl.col("window_total")).alias("share"),
        (pl.col("window_postings") / pl.col("window_months")).alias("per_month"),
        pl.col("window_postings").cast(pl.Int64), pl.col("window_total").cast(pl.Int64),
    ).sort("month", "technology_id")


def monthly_figures(series: pl.DataFrame, months: int, min_postings: int,
                    incomplete: dt.date | None) -> pl.DataFrame:
    """What a monthly chart draws: :func:`rolling_mean` over ``months`` months, with
    ``reliable`` (at least ``min_postings`` postings behind the figure: the window's postings)
    and ``incomplete`` (the month's postings are not all in yet)."""
    out = rolling_mean(series, months)
    return out.with_columns(
        (pl.col("window_total") >= min_postings).alias("reliable"),
        (pl.col("month") == incomplete if incomplete else pl.lit(False)).alias("incomplete"))


def postings_series(by_month: pl.DataFrame) -> pl.DataFrame:
    """Postings per month (month, postings) as a monthly series of its own, for the same
    smoothing and greying as the technology series."""
    return by_month.select("month", pl.lit("all").alias("technology_id"),
                           pl.lit("Postings").alias("name"), "postings",
                           pl.col("postings").alias("total"))


# --- Stacks: what goes with what ----------------------------------------------------------------

def with_lift(frame: pl.DataFrame) -> pl.DataFrame:
    """Co-mention counts (both_postings, partner_postings, chosen_postings, total) with
    ``lift``: how many times more often the two are named together than if they were
    independent, both x total / (chosen x partner); and ``share_of_chosen``: the share of the
    chosen technology's postings that also name the partner."""
    known = (pl.col("chosen_postings") > 0) & (pl.col("partner_postings") > 0)
    return frame.with_columns(
        pl.when(known).then(pl.col("both_postings") * pl.col("total")
                            / (pl.col("chosen_postings") * pl.col("partner_postings")))
        .alias("lift"),
        pl.when(pl.col("chosen_postings") > 0)
        .then(pl.col("both_postings") / pl.col("chosen_postings")).alias("share_of_chosen"))


def stack_partners(co_mentions: pl.DataFrame, chosen: str, min_postings: int = MIN_POSTINGS
                   ) -> pl.DataFrame:
    """The technologies named with ``chosen`` over the whole range, highest lift first; a
    partner sharing fewer than ``min_postings`` postings with it is kept but not ranked
    (``ranked`` false, listed after the ranked ones by postings together)."""
    summed = (co_mentions.filter(pl.col("chosen_id") == chosen)
              .group_by("chosen_id", "technology_id", "name", "category")
              .agg(pl.col("both_postings", "partner_postings", "chosen_postings", "total").sum()))
    return (with_lift(summed)
            .with_columns((pl.col("both_postings") >= min_postings).alias("ranked"))
            .with_columns(pl.when(pl.col("ranked")).then(pl.col("lift")).alias("_order"))
            .sort(["ranked", "_order", "both_postings", "technology_id"],
                  descending=[True, True, True, False], nulls_last=True)
            .drop("_order")
            .with_columns(pl.when(pl.col("ranked")).then(pl.col("ranked").cum_sum())
                          .alias("rank")))


def lift_by_year(co_mentions: pl.DataFrame, chosen: str, partners: list[str]) -> pl.DataFrame:
    """The lift and share of the chosen technology's postings, per year, for some partners."""
    return with_lift(co_mentions.filter((pl.col("chosen_id") == chosen)
                                        & pl.col("technology_id").is_in(partners)))


def top_partners(co_mentions: pl.DataFrame, limit: int = 3,
                 min_postings: int = MIN_POSTINGS) -> pl.DataFrame:
    """For each chosen technology, the partners it is most often named with (by postings
    together; at least ``min_postings``), as one line of names with the share of its postings."""
    ranked = pl.concat([stack_partners(co_mentions, c, min_postings).filter(pl.col("ranked"))
                        for c in co_mentions["chosen_id"].unique().sort()], how="vertical"
                       ) if co_mentions.height else co_mentions
    if ranked.is_empty():
        return pl.DataFrame(schema={"chosen_id": pl.String, "appears_with": pl.String})
    return (ranked.sort(["chosen_id", "both_postings", "technology_id"],
                        descending=[False, True, False])
            .group_by("chosen_id", maintain_order=True).head(limit)
            .group_by("chosen_id", maintain_order=True)
            .agg(pl.format("{} ({}%)", "name", (pl.col("share_of_chosen") * 100).round(0)
                           .cast(pl.Int64)).str.join(", ").alias("appears_with")))


def pair_lifts(pairs: pl.DataFrame) -> pl.DataFrame:
    """Pairs of technologies (tech_pairs rows) with their lift, both directions, for a
    symmetric heat map: row and column (names), lift, postings naming both."""
    lifted = pairs.with_columns(
        (pl.col("both_postings") * pl.col("total")
         / (pl.col("postings_a") * pl.col("postings_b"))).alias("lift"))
    forward = lifted.select(pl.col("name_a").alias("row"), pl.col("name_b").alias("column"),
                            "lift", "both_postings")
    backward = lifted.select(pl.col("name_b").alias("row"), pl.col("name_a").alias("column"),
                             "lift", "both_postings")
    return pl.concat([forward, backward])


# --- What to learn next -------------------------------------------------------------------------

CRITERIA = {  # what each criterion measures, as the page explains it
    "demand": "share of postings in the last 12 months of the range",
    "growth": "change in that share, in percentage points",
    "with_known": "share of the postings naming what you know that also name it",
    "pay": "median advertised pay minus the market's median (USD)",
}


def _pct_rank(column: str) -> pl.Expr:
    """0 for the lowest value, 1 for the highest; ties share their mean rank; null stays null."""
    rank = pl.col(column).rank("average")
    count = pl.col(column).count()
    return pl.when(count > 1).then((rank - 1) / (count - 1)).otherwise(0.5)


def learn_next(frame: pl.DataFrame, criteria: tuple[str, ...] = tuple(CRITERIA),
               growth_months: int = 12, min_postings: int = MIN_POSTINGS) -> pl.DataFrame:
    """learn_next rows scored: each criterion as a value and as a percentile rank among the
    ranked technologies (0 lowest, 1 highest), the score (mean of the chosen criteria's ranks,
    0-100), the rank, and a one-line reason. A technology with fewer than ``min_postings``
    postings in the last 12 months is not ranked; a pay premium on fewer than ``min_postings``
    paid postings is not used (its rank counts as 0.5, the middle)."""
    prior, prior_total = f"prior{growth_months}_postings", f"prior{growth_months}_total"
    values = frame.with_columns(
        (pl.col("recent_postings") / pl.col("recent_total")).alias("demand"),
        (100 * (pl.col("recent_postings") / pl.col("recent_total")
                - pl.col(prior) / pl.col(prior_total))).alias("growth"),
        pl.when(pl.col("known_total") > 0)
        .then(pl.col("with_known") / pl.col("known_total")).alias("with_known"),
        pl.when(pl.col("paid_postings") >= min_postings)
        .then(pl.col("paid_median") - pl.col("market_median")).alias("pay"),
        (pl.col("recent_postings") >= min_postings).alias("ranked"))
    ranked = values.filter(pl.col("ranked")).with_columns(
        *[_pct_rank(c).alias(f"{c}_rank") for c in CRITERIA])
    ranked = ranked.with_columns(
        *[pl.col(f"{c}_rank").fill_null(0.5) for c in CRITERIA])
    ranked = ranked.with_columns(
        (100 * pl.mean_horizontal([pl.col(f"{c}_rank") for c in criteria])).alias("score")
        if criteria else pl.lit(None, pl.Float64).alias("score"))
    ranked = ranked.sort(["score", "recent_postings", "technology_id"],
                         descending=[True, True, False]).with_row_index("rank", offset=1)
    unranked = values.filter(~pl.col("ranked")).sort(
        ["recent_postings", "technology_id"], descending=[True, False])
    out = pl.concat([ranked, unranked], how="diagonal_relaxed")
    return out.with_columns(pl.Series("reason", [
        reason(row, criteria, growth_months, min_postings) for row in out.iter_rows(named=True)],
        dtype=pl.String))


def reason(row: dict, criteria: tuple[str, ...], growth_months: int, min_postings: int) -> str:
    """One line saying why a technology stands where it does: its two strongest criteria."""
    if not row["ranked"]:
        return (f"not ranked: {row['recent_postings']} postings in the last 12 months "
                f"(fewer than {min_postings})")
    phrases = {
        "demand": f"named in {100 * row['demand']:.1f}% of postings",
        "growth": (f"{row['growth']:+.1f} pp in {growth_months} months"
                   if row["growth"] is not None else f"no {growth_months}-month comparison"),
        "with_known": f"in {100 * row['with_known']:.0f}% of postings naming what you know"
                      if row["with_known"] is not None else "no posting names what you know",
        "pay": (f"pays {row['pay']:+,.0f} USD vs the median (n={row['paid_postings']})"
                if row["pay"] is not None else f"pay: too few postings (n={row['paid_postings']})"),
    }
    if not criteria:
        return "no criterion chosen"
    order = sorted(criteria, key=lambda c: (-(row.get(f"{c}_rank") or 0), list(CRITERIA).index(c)))
    strong = [phrases[c] for c in order if (row.get(f"{c}_rank") or 0) >= 0.5][:2]
    return "; ".join(strong) if strong else "low on every criterion: " + phrases[order[0]]


# --- Compare ------------------------------------------------------------------------------------

def comparison(ranking: pl.DataFrame, pay: pl.DataFrame, co_mentions: pl.DataFrame,
               chosen: list[str], min_postings: int = MIN_POSTINGS) -> pl.DataFrame:
    """The chosen technologies side by side, in the order chosen: postings, share, the 12-month
    change, median advertised pay (null under ``min_postings`` paid postings) with its n, and
    the technologies each is most often named with."""
    order = pl.DataFrame({"technology_id": chosen, "order": list(range(len(chosen)))})
    partners = top_partners(co_mentions, 3, min_postings).rename({"chosen_id": "technology_id"})
    return (order.join(ranking, on="technology_id", how="left")
            .join(pay.select("technology_id", pl.col("postings").alias("paid"), "median"),
                  on="technology_id", how="left")
            .join(partners, on="technology_id", how="left")
            .sort("order")
            .select(pl.col("name").alias("technology"), "category", "postings",
                    (pl.col("share") * 100).round(2).alias("share %"),
                    (pl.col("share_recent") * 100).round(2).alias("share last 12 m %"),
                    pl.col("change_pp").round(2).alias("change (pp)"),
                    pl.col("recent_postings").alias("n last 12 m"),
                    pl.when(pl.col("paid") >= min_postings).then(pl.col("median").round(0))
                    .alias("median pay USD"),
                    pl.col("paid").fill_null(0).alias("pay n"),
                    pl.col("appears_with").alias("named most with")))
