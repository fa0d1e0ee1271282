"""Context that is not postings, shown beside posting figures and clearly labelled as such:
the Stack Overflow survey comparison and the Indeed Hiring Lab postings index."""

from __future__ import annotations

import polars as pl
import streamlit as st

from radar import blocks, charts, ui
from radar.filters import Filters

SURVEY_NOTE = ("Survey data, not postings: the share of Stack Overflow Developer Survey "
               "respondents who work as back-end developers and say they worked with the "
               "technology, and their median yearly pay.")


def survey_table(ranking: pl.DataFrame, survey: pl.DataFrame) -> pl.DataFrame:
    """Postings share beside the survey's usage share and median pay, per technology."""
    year = survey["year"][0]
    joined = ranking.select("technology_id", "name", "share").join(
        survey.select("technology_id", "share", "users", "median_pay", "respondents"),
        on="technology_id", how="full", coalesce=True, suffix="_survey")
    return joined.select(
        pl.coalesce("name", "technology_id").alias("technology"),
        (pl.col("share") * 100).round(2).alias("share of postings %"),
        (pl.col("share_survey") * 100).round(1).alias(f"used by back-end devs % (survey {year})"),
        pl.col("median_pay").round(0).alias(f"survey median pay USD ({year})"),
        pl.col("users").alias("survey n"),
    ).sort("share of postings %", descending=True, nulls_last=True)


def survey_panel(category: str, filters: Filters) -> None:
    """The survey comparison for a category, when survey data is loaded."""
    survey = ui.data("survey_comparison", filters, category=category)
    if survey.is_empty():
        return
    ranking = ui.data("tech_ranking", filters, category=category)
    st.subheader("Compared with the Stack Overflow Developer Survey")
    st.caption(f"{SURVEY_NOTE} n = {survey['respondents'][0]:,} back-end respondents.")
    st.dataframe(survey_table(ranking, survey), hide_index=True)


def indeed_panel(filters: Filters) -> None:
    """The Indeed Hiring Lab index as context on the Overview, when loaded."""
    index = ui.data("indeed_index", filters)
    if index.is_empty():
        return
    st.subheader("Context: Indeed Hiring Lab postings index")
    footer = ("Source: Indeed Hiring Lab job postings index, CC BY 4.0 · an index of postings "
              "on Indeed (2020-02-01 = 100), not counts and not this warehouse's postings")
    blocks.show_chart(charts.index_over_time(index, footer), index,
                  f"overview_indeed_index_{filters.slug()}")


def survey_pay_panel(category: str, filters: Filters, by_tech: pl.DataFrame) -> None:
    """Advertised pay in postings beside the survey's median pay, when survey data is loaded."""
    survey = ui.data("survey_comparison", filters, category=category)
    if survey.is_empty():
        return
    year = survey["year"][0]
    st.subheader("Compared with the Stack Overflow Developer Survey")
    st.caption("Survey data, not postings: the median yearly pay (USD) that back-end developers "
               f"who worked with the technology reported in the {year} survey.")
    table = by_tech.select("technology_id", "name", "postings", "median").join(
        survey.select("technology_id", "median_pay", "paid_respondents"), on="technology_id",
        how="inner")
    st.dataframe(table.select(
        pl.col("name").alias(category), pl.col("median").round(0).alias("postings median USD"),
        pl.col("postings").alias("postings n"),
        pl.col("median_pay").round(0).alias(f"survey median USD ({year})"),
        pl.col("paid_respondents").alias("survey n")), hide_index=True)
