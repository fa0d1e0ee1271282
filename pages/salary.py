"""Salary: median and interquartile range of advertised annual pay per technology and over time."""

import polars as pl
import streamlit as st

from radar import blocks, charts, context, ui

filters = ui.current_filters()
st.title("Salary")
st.caption("Advertised pay only: annualised midpoint of the posted range, converted to USD at the "
           "posting year's average exchange rate. Estimated figures (such as Adzuna's "
           "predictions) and implausible outliers are excluded.")
kpis = ui.data("kpis", filters).row(0, named=True)
category = ui.url_control(st.radio, "Category", "salary_category", list(ui.CATEGORY_TITLES),
                          "language", horizontal=True, format_func=ui.CATEGORY_TITLES.get)
min_n = ui.url_control(st.slider, "Minimum postings behind a figure", "salary_min_n",
                       range(5, 201), ui.MIN_POSTINGS_FOR_SALARY, min_value=5, max_value=200)
by_tech = ui.data("salary_by_technology", filters, category=category)
shown = by_tech.filter(pl.col("postings") >= min_n)
footer = ui.footer(filters, kpis["with_salary"])
st.metric("Postings with advertised pay", f"{kpis['with_salary']:,}")
if shown.is_empty():
    st.info("Too few postings with advertised pay under these filters.")
else:
    blocks.show_chart(charts.salary_ranges(shown.head(20),
                                       f"Advertised annual pay by {category} (USD)", footer),
                  shown, f"salary_{category}_{filters.slug()}")
    st.dataframe(shown.select(pl.col("name").alias(category), "postings",
                              pl.col("p25").round(0), pl.col("median").round(0),
                              pl.col("p75").round(0)),
                 hide_index=True, key="salary_table")

st.subheader("Over time")
names = dict(zip(by_tech["technology_id"], by_tech["name"], strict=True))
chosen = ui.url_control(st.multiselect, "Technologies (none: all postings)", "salary_techs",
                        list(names), by_tech["technology_id"].head(3).to_list(),
                        format_func=lambda t: names.get(t, t))
over_time = ui.data("salary_over_time", filters, technologies=chosen)
over_time = over_time.filter(pl.col("postings") >= min_n)
if over_time.is_empty():
    st.info("Too few postings with advertised pay per year under these filters.")
else:
    blocks.show_chart(charts.salary_over_time(over_time, footer, {"all": "All postings", **names}),
                  over_time, f"salary_over_time_{filters.slug()}")

context.survey_pay_panel(category, filters, by_tech)
