"""Salary: advertised pay per country in its own currency, per technology, its premium, and over
time in nominal and real terms."""

import polars as pl
import streamlit as st

from etl.transforms.normalize import country_names
from radar import blocks, charts, context, pay, pay_charts, ui

filters = ui.current_filters()
st.title("Salary")
st.caption("Advertised pay only: annualised midpoint of the posted range. Figures for one "
           "country are in its currency; across countries each market is shown apart, in US "
           "dollars at the posting year's average exchange rate. Estimated figures (such as "
           "Adzuna's predictions) and implausible outliers are excluded.")
kpis = ui.data("kpis", filters).row(0, named=True)
names = country_names()
rates = pay.rate_rows(filters.countries or ui.choices().countries,
                      pay.years_of(filters.date_from, filters.date_to))
by_country = ui.data("pay_by_country", filters, rates=rates)
countries_with_pay = by_country["country"].drop_nulls().to_list()
currency = pay.local_currency(filters.countries)
local = currency is not None  # one country, of a known currency
currency = currency or "USD"
footer = ui.footer(filters, kpis["with_salary"])
st.metric("Postings with advertised pay", f"{kpis['with_salary']:,}")
min_n = ui.url_control(st.slider, "Minimum postings behind a figure", "salary_min_n",
                       range(5, 201), ui.MIN_POSTINGS_FOR_SALARY, min_value=5, max_value=200,
                       help="Countries with fewer paid postings are listed below the ranking, "
                            "hollow and grey; technologies with fewer are left out.")

st.subheader("Pay where the job is")
if by_country.filter(pl.col("country").is_not_null()).is_empty():
    st.info("No postings with advertised pay and a known country under these filters.")
elif len(filters.countries) == 1:
    row = by_country.filter(pl.col("country") == filters.countries[0]).row(0, named=True)
    where = names.get(filters.countries[0], filters.countries[0])
    unit = "local" if local else "usd"
    st.metric(f"Median advertised annual pay in {where} ({currency})",
              pay_charts.money(row[f"median_{unit}"], currency),
              help=f"Interquartile range {pay_charts.money(row[f'p25_{unit}'], currency)} to "
                   f"{pay_charts.money(row[f'p75_{unit}'], currency)}; n = {row['postings']:,}")
else:
    per_country = by_country.filter(pl.col("country").is_not_null()).sort(
        "postings", descending=True)
    table = per_country.select(
        pl.col("country").replace_strict(names, default=pl.col("country")).alias("country"),
        pl.col("country").map_elements(lambda c: pay.local_currency([c]) or "",
                                       return_dtype=pl.String).alias("currency"),
        "postings", pl.col("median_local").round(0).alias("median (local currency)"),
        pl.col("p25_local").round(0).alias("p25 (local)"),
        pl.col("p75_local").round(0).alias("p75 (local)"),
        pl.col("median_usd").round(0).alias("median (USD)"))
    st.dataframe(table, hide_index=True, key="pay_countries")
    blocks.add_table_button(table, "Advertised annual pay per country",
                            f"pay_countries_{filters.slug()}")
    blocks.show_chart(pay_charts.pay_by_country(per_country, names, footer, min_n), per_country,
                      f"pay_by_country_{filters.slug()}")
    pooled = by_country.filter(pl.col("country").is_null()).row(0, named=True)
    if pay.mixes_markets(countries_with_pay):
        st.warning(f"**Pooled figure mixes {len(countries_with_pay)} markets.** A median of "
                   f"postings from {len(countries_with_pay)} countries, converted to US dollars, "
                   "says little about pay in any one of them: compare countries above, or "
                   "choose one country in the sidebar.", icon=":material/warning:")
    st.metric("Pooled median, all countries (USD)", pay_charts.money(pooled["median_usd"], "USD"))

st.subheader("By technology")
category = ui.url_control(st.radio, "Category", "salary_category", list(ui.CATEGORY_TITLES),
                          "language", horizontal=True, format_func=ui.CATEGORY_TITLES.get)
by_tech = ui.data("pay_by_technology", filters, category=category,
                  rates=pay.technology_rates(filters.countries, rates))
shown = by_tech.filter(pl.col("postings") >= min_n)
if local:
    shown = shown.with_columns(median=pl.col("median_local"), p25=pl.col("p25_local"),
                               p75=pl.col("p75_local"))
else:
    shown = shown.with_columns(median=pl.col("median_usd"), p25=pl.col("p25_usd"),
                               p75=pl.col("p75_usd"))
if shown.is_empty():
    st.info("Too few postings with advertised pay under these filters.")
else:
    if not local and pay.mixes_markets(countries_with_pay):
        st.warning("These figures pool postings from several countries in US dollars: they "
                   "mix markets.", icon=":material/warning:")
    fig = charts.salary_ranges(shown.head(20),
                               f"Advertised annual pay by {category} ({currency})", footer)
    if currency != "USD":
        fig.update_xaxes(title_text=f"Annual pay ({currency}): median and interquartile range")
        fig.update_traces(hovertemplate="%{y}: median %{x:,.0f} " + currency + "<extra></extra>")
    blocks.show_chart(fig, shown, f"salary_{category}_{filters.slug()}")
    st.dataframe(shown.select(pl.col("name").alias(category), "postings",
                              pl.col("p25").round(0), pl.col("median").round(0),
                              pl.col("p75").round(0)),
                 hide_index=True, key="salary_table")

st.subheader("Pay premium")
cell_n = ui.url_control(st.slider, "Minimum postings on each side of a cell", "premium_min_n",
                        range(3, 201), pay.MIN_CELL_POSTINGS, min_value=3, max_value=200)
st.caption("Median advertised pay of postings that name the technology against those that do "
           "not, within the same country, seniority and year; cells with fewer postings than "
           "the minimum on either side are not shown. Cells are weighted by the postings naming "
           "the technology. Interval: 95%, normal approximation, each cell median's standard "
           "error read off its distribution-free (order-statistic) 95% interval.")
top_ids = by_tech.sort("postings", descending=True)["technology_id"].head(10).to_list()
tech_names = dict(zip(by_tech["technology_id"], by_tech["name"], strict=True))
premium = pay.premium(ui.data("pay_premium_cells", filters, technologies=top_ids), cell_n)
if premium.is_empty():
    st.info("No cell (country x seniority x year) has enough postings on both sides.")
else:
    blocks.show_chart(pay_charts.premium_chart(premium, tech_names, footer), premium,
                      f"pay_premium_{category}_{filters.slug()}")
    premium_table = premium.select(
        pl.col("technology_id").replace_strict(tech_names, default=pl.col("technology_id"))
        .alias(category),
        (pl.col("premium") * 100).round(1).alias("premium %"),
        (pl.col("low") * 100).round(1).alias("95% low %"),
        (pl.col("high") * 100).round(1).alias("95% high %"),
        pl.col("n_with").alias("n naming"), pl.col("n_without").alias("n not naming"),
        pl.col("cells"))
    st.dataframe(premium_table, hide_index=True, key="premium_table")
    blocks.add_table_button(premium_table, f"Pay premium by {category}",
                            f"pay_premium_table_{category}_{filters.slug()}")

st.subheader("Over time")
by_year = ui.data("pay_by_year", filters,
                  rates=rates if len(filters.countries) == 1 else [])
by_year = by_year.filter(pl.col("postings") >= min_n)
if by_year.is_empty():
    st.info("Too few postings with advertised pay per year under these filters.")
else:
    deflator = None
    base_year = None
    if currency == "USD":
        base_year = int(by_year["year"].max())
        by_year = pay.real_terms(by_year, base_year)
        deflator = "US CPI-U (BLS CUUR0000SA0)"
        st.caption(f"Real terms: US dollars of {base_year}, deflated with the {pay.CPI_NAME}."
                   + ("" if len(filters.countries) == 1 else
                      " The US index is applied to every market's dollar figure."))
    else:
        st.caption(f"Nominal {currency} only: the project ships the US consumer price index, "
                   "so real terms are given for US dollar figures.")
    if len(countries_with_pay) > 1 and len(filters.countries) != 1:
        st.warning("The yearly medians pool several countries in US dollars: they mix "
                   "markets.", icon=":material/warning:")
    blocks.show_chart(pay_charts.nominal_and_real(by_year, footer, currency, base_year, deflator),
                      by_year, f"salary_real_{filters.slug()}")

names_all = dict(zip(by_tech["technology_id"], by_tech["name"], strict=True))
chosen = ui.url_control(st.multiselect, "Technologies (none: all postings), US dollars",
                        "salary_techs", list(names_all),
                        by_tech["technology_id"].head(3).to_list(),
                        format_func=lambda t: names_all.get(t, t))
over_time = ui.data("salary_over_time", filters, technologies=chosen)
over_time = over_time.filter(pl.col("postings") >= min_n)
if over_time.is_empty():
    st.info("Too few postings with advertised pay per year under these filters.")
else:
    blocks.show_chart(charts.salary_over_time(over_time, footer,
                                              {"all": "All postings", **names_all}),
                      over_time, f"salary_over_time_{filters.slug()}")

context.survey_pay_panel(category, filters, by_tech.rename({"median_usd": "median"}))
