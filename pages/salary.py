"""Salary: median and interquartile range of advertised annual pay per technology and over time."""

import polars as pl
import streamlit as st

from radar import charts, context, ui

filters = ui.current_filters()
st.title("Salary")
st.caption("Advertised pay only: annualised midpoint of the posted range, converted to USD at the "
           "posting year's average exchange rate. Estimated figures (such as Adzuna's "
           "predictions) and implausible outliers are excluded.")
kpis = ui.data("kpis", filters).row(0, named=True)
ui.from_link("salary_category", list(ui.CATEGORY_TITLES), "language")
category = st.radio("Category", list(ui.CATEGORY_TITLES), horizontal=True,
                    format_func=ui.CATEGORY_TITLES.get, key="salary_category")
ui.from_link("salary_min_n", range(5, 201), ui.MIN_POSTINGS_FOR_SALARY)
min_n = st.slider("Minimum postings behind a figure", 5, 200, key="salary_min_n")
by_tech = ui.data("salary_by_technology", filters, category=category)
shown = by_tech.filter(pl.col("postings") >= min_n)
footer = ui.footer(filters, kpis["with_salary"])
st.metric("Postings with advertised pay", f"{kpis['with_salary']:,}")
if shown.is_empty():
    st.info("Too few postings with advertised pay under these filters.")
else:
    ui.show_chart(charts.salary_ranges(shown.head(20),
                                       f"Advertised annual pay by {category} (USD)", footer),
                  shown, f"salary_{category}_{filters.slug()}")
    st.dataframe(shown.select(pl.col("name").alias(category), "postings",
                              pl.col("p25").round(0), pl.col("median").round(0),
                              pl.col("p75").round(0)),
                 hide_index=True, key="salary_table")

st.subheader("Over time")
names = dict(zip(by_tech["technology_id"], by_tech["name"], strict=True))
ui.from_link("salary_techs", list(names), by_tech["technology_id"].head(3).to_list(), many=True)
st.session_state["salary_techs"] = [t for t in st.session_state["salary_techs"] if t in names]
chosen = st.multiselect("Technologies (none: all postings)", list(names),
                        format_func=lambda t: names.get(t, t), key="salary_techs")
ui.sync_url({k: v for k, v in {
    "salary_techs": ",".join(chosen),
    "salary_category": category if category != "language" else "",
    "salary_min_n": str(min_n) if min_n != ui.MIN_POSTINGS_FOR_SALARY else ""}.items() if v})
over_time = ui.data("salary_over_time", filters, technologies=chosen)
over_time = over_time.filter(pl.col("postings") >= min_n)
if over_time.is_empty():
    st.info("Too few postings with advertised pay per year under these filters.")
else:
    ui.show_chart(charts.salary_over_time(over_time, footer, {"all": "All postings", **names}),
                  over_time, f"salary_over_time_{filters.slug()}")

context.survey_pay_panel(category, filters, by_tech)
