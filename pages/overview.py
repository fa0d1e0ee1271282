"""Overview: postings over time, top technologies per category, risers and fallers."""

import polars as pl
import streamlit as st

from radar import blocks, categories, charts, context, rules, timeline, ui

filters, display = ui.current_filters(), ui.display()
st.title("Hiring Radar: backend job postings")

kpis = ui.data("kpis", filters).row(0, named=True)
cols = st.columns(4)
cols[0].metric("Postings", f"{kpis['postings']:,}")
cols[1].metric("Months", kpis["months"])
cols[2].metric("With advertised pay", f"{kpis['with_salary']:,}")
cols[3].metric("Countries", kpis["countries"])
if not kpis["postings"]:
    st.info("No postings match the filters.")
    st.stop()
footer = ui.footer(filters, kpis["postings"])

by_month = rules.monthly_figures(rules.postings_series(ui.data("postings_by_month", filters)),
                                display.months, display.min_postings, display.incomplete)
blocks.show_chart(charts.postings_lines(by_month, footer, display.months, display.min_postings),
                  by_month, f"overview_postings_{filters.slug()}", drawn_first=True)
timeline.mark("overview first chart sent")

st.subheader("Most asked-for technologies")
titles = {c: categories.titles()[c] for c in categories.HEADLINE}
# Only the open tab's chart is made and sent (the tabs rerun the page when switched): a cold
# browser draws one bar chart here, not three.
tabs = st.tabs(list(titles.values()), key="overview_top", on_change="rerun")
for tab, (category, title) in zip(tabs, titles.items(), strict=True):
    if tab.open is False:
        continue
    with tab:
        top = ui.data("tech_ranking", filters, category=category).head(10)
        blocks.show_chart(charts.top_bar(top, title, footer), top,
                      f"overview_top_{category}_{filters.slug()}")

st.subheader("Biggest risers and fallers over the last 12 months")
ranking = ui.data("tech_ranking", filters, category="")
risers = rules.risers(ranking, display.min_postings)
fallers = rules.fallers(ranking, display.min_postings)
if rules.comparable(ranking).is_empty():
    st.info("The date range is too short for a 12-month comparison (it needs 24 months).")
elif risers.is_empty() and fallers.is_empty():
    st.info(f"No technology named in at least {display.min_postings} postings of the last "
            "12 months changed its share of postings.")
else:
    moves = pl.concat([risers, fallers.reverse()])
    blocks.show_chart(charts.change_bar(moves.reverse(), "Risers and fallers", footer), moves,
                  f"overview_movers_{filters.slug()}")
    left, right = st.columns(2)
    shown = [pl.col("name").alias("technology"), pl.col("category"),
             pl.col("change_pp").round(2).alias("change (pp)"),
             (pl.col("share_recent") * 100).round(2).alias("share last 12 m %"),
             pl.col("recent_postings").alias("n last 12 m")]
    left.markdown("**Risers**")
    left.dataframe(risers.select(shown), hide_index=True, key="risers")
    right.markdown("**Fallers**")
    right.dataframe(fallers.select(shown), hide_index=True, key="fallers")

context.indeed_panel(filters)
