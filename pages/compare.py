"""Compare: any technologies, across categories, side by side: share over time, postings, the
12-month change, median advertised pay with n, and what each is most often named with."""

import polars as pl
import streamlit as st

from radar import blocks, charts, export, rules, ui

DEFAULT = ["go", "rust", "kotlin", "kubernetes"]

filters, display = ui.current_filters(), ui.display()
st.title("Compare")
everything = ui.data("tech_ranking", filters, category="")
if everything.is_empty():
    st.info("No posting under these filters names a technology.")
    st.stop()
available = set(everything["technology_id"])
default = [t for t in DEFAULT if t in available]
chosen = blocks.technology_picker(
    everything, "compare", label="Technologies to compare (any category)",
    default=default if len(default) >= 2 else everything["technology_id"].head(4).to_list(),
    with_category=True)
if not chosen:
    st.info("Pick technologies to compare.")
    st.stop()

n_postings = int(ui.data("kpis", filters)["postings"][0])
footer = ui.footer(filters, n_postings)
series = ui.data("tech_share_by_month", filters, technologies=chosen)
shown = rules.monthly_figures(series, display.months, display.min_postings, display.incomplete)
fig = charts.monthly_lines(shown, footer, "Share of postings mentioning each, per month",
                           "share", display.months, display.min_postings)
event = blocks.show_chart(fig, shown, export.chart_name("compare", "share", filters, chosen),
                          selectable=True)
blocks.postings_behind("compare", series, event)

st.subheader("Side by side")
pay = ui.data("salary_by_technology", filters, category="")
co = ui.data("co_mentions", filters, technologies=chosen)
table = rules.comparison(everything, pay, co, chosen, display.min_postings)
st.dataframe(table, hide_index=True, width="stretch", key="compare_table")
st.caption(f"Change: share in the last 12 months of the range minus the 12 months before (pp). "
           f"Median pay: advertised annual pay in USD; shown when at least "
           f"{display.min_postings} postings give it. Named most with: the technologies sharing "
           "the most postings with it, and the share of its postings that name them.")
blocks.add_table_button(table, "Compare: side by side",
                        export.chart_name("compare", "table", filters, chosen))
movers = everything.filter(pl.col("technology_id").is_in(chosen)
                           & pl.col("change_pp").is_not_null())
if not movers.is_empty():
    blocks.show_chart(charts.change_bar(movers.sort("change_pp", descending=True).reverse(),
                                        "Change in share over 12 months", footer),
                      movers, export.chart_name("compare", "change", filters, chosen))
