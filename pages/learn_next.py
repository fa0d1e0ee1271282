"""What to learn next: tick what you know; technologies ranked by criteria shown on the page
(demand now, growth, how often they are named with what you know, pay premium), one line each
saying why; too few postings: listed, not ranked."""

import polars as pl
import streamlit as st

from radar import blocks, charts, export, rules, ui

SHORT = {"demand": "Demand now", "growth": "Growth", "with_known": "With what you know",
         "pay": "Pay premium"}

filters, display = ui.current_filters(), ui.display()
st.title("What to learn next")
everything = ui.data("tech_ranking", filters, category="")
if everything.is_empty():
    st.info("No posting under these filters names a technology.")
    st.stop()
names = dict(zip(everything["technology_id"], everything["name"], strict=True))
known = ui.url_control(st.multiselect, "What you know", "known", list(names),
                       ["python"] if "python" in names else everything["technology_id"].head(1)
                       .to_list(), format_func=names.get, placeholder="Pick what you know")
use = ui.url_control(st.pills, "Criteria", "criteria", list(rules.CRITERIA),
                     list(rules.CRITERIA), selection_mode="multi", format_func=SHORT.get)
growth = ui.url_control(st.radio, "Growth over", "growth", [12, 24], 12, horizontal=True,
                        format_func=lambda m: f"{m} months")
st.markdown("**How the score is made.** Each criterion ranks the technologies from 0 (lowest) to "
            "1 (highest); the score is the mean of the chosen criteria's ranks, times 100.\n"
            + "\n".join(f"- **{SHORT[c]}**: {rules.CRITERIA[c]}"
                        + (f" (over {growth} months)" if c == "growth" else "")
                        + (" (used only when at least "
                           f"{display.min_postings} postings give pay; else counted as the "
                           "middle, 0.5)" if c == "pay" else "") for c in use)
            + f"\n\nTechnologies named in fewer than {display.min_postings} postings of the last "
            "12 months are listed at the end, not ranked.")

if "pay" in use and len(filters.countries) != 1:
    st.warning("**The pay premium mixes markets.** It sets each technology's median advertised "
               "pay against the market's, both pooled over every country in US dollars: a "
               "technology asked for mostly where pay is high looks better paid. Choose one "
               "country in the sidebar for a premium within one market; the Salary page's "
               "premium compares within country, seniority and year.",
               icon=":material/warning:")

frame = ui.data("learn_next", filters, technologies=known)
scored = rules.learn_next(frame, tuple(use), growth, display.min_postings)
ranked = scored.filter(pl.col("ranked"))
n_postings = int(ui.data("kpis", filters)["postings"][0])
footer = ui.footer(filters, n_postings)
event = None
if ranked.is_empty():
    st.info(f"No technology is named in {display.min_postings} or more postings of the last 12 "
            "months under these filters.")
elif use:
    top = ranked.head(15).select(pl.col("score").round(1), "name", "reason", "technology_id")
    event = blocks.show_chart(
        charts.bars(top, "score", "name", "What to learn next: score", "Score (0-100)", footer,
                    "%{y}: %{x}<br>%{customdata[0]}<extra></extra>"),
        top, export.chart_name("learn-next", "score", filters, known), selectable=True)

table = scored.select(
    "rank", pl.col("name").alias("technology"), "category",
    pl.col("score").round(1), pl.col("reason").alias("why"),
    (pl.col("demand") * 100).round(2).alias("demand %"),
    pl.col("recent_postings").alias("n last 12 m"),
    pl.col("growth").round(2).alias(f"growth {growth} m (pp)"),
    (pl.col("with_known") * 100).round(1).alias("with what you know %"),
    pl.col("pay").round(0).alias("pay premium USD"), pl.col("paid_postings").alias("pay n"))
st.dataframe(table, hide_index=True, width="stretch", key="learn_table")
blocks.add_table_button(table, "What to learn next",
                        export.chart_name("learn-next", "table", filters, known))

options = ranked["technology_id"].to_list()
if options:
    st.subheader("Postings behind a figure")
    blocks.clicked_choice(event, "learn_postings", 1)
    candidate = ui.url_control(st.selectbox, "Postings naming", "learn_postings", options,
                               options[0], format_func=names.get)
    what = (f"{names[candidate]} and something you know" if known else names[candidate])
    blocks.postings_together("learn", candidate, known, names, what)
