"""Stacks: what goes with a technology (lift, the share of its postings, n, and how that changed
year by year), and the pairs that travel together across the market (a heat map)."""

import polars as pl
import streamlit as st

from radar import blocks, categories, charts, export, rules, ui

filters, display = ui.current_filters(), ui.display()
st.title("Stacks")
everything = ui.data("tech_ranking", filters, category="")
if everything.is_empty():
    st.info("No posting under these filters names a technology.")
    st.stop()
names = dict(zip(everything["technology_id"], everything["name"], strict=True))
ids = everything["technology_id"].to_list()
chosen = ui.url_control(st.selectbox, "What goes with", "stack_tech", ids, ids[0],
                        format_func=names.get)
name = names[chosen]
n_postings = int(ui.data("kpis", filters)["postings"][0])
footer = ui.footer(filters, n_postings)

co = ui.data("co_mentions", filters, technologies=[chosen])
partners = rules.stack_partners(co, chosen, display.min_postings)
chosen_n = int(partners["chosen_postings"][0]) if partners.height else 0
st.subheader(f"What goes with {name}")
st.caption(f"{chosen_n:,} postings name {ui.plain(name)}. **Lift**: how many times more often a "
           "technology is named in those postings than in all postings (1 = as often as "
           "chance; 2 = twice as often). **Share**: of the postings naming "
           f"{ui.plain(name)}, how many also name it. Technologies sharing fewer than "
           f"{display.min_postings} postings with it are listed but not ranked.")
ranked = partners.filter(pl.col("ranked"))
event = None
if ranked.is_empty():
    st.info(f"No technology shares {display.min_postings} or more postings with "
            f"{ui.plain(name)} under these filters.")
else:
    top = ranked.head(15).with_columns(pl.col("lift").round(2),
                                       (pl.col("share_of_chosen") * 100).round(1))
    fig = charts.bars(top.select("lift", "name", "share_of_chosen", "both_postings",
                                 "technology_id"), "lift", "name",
                      f"Named with {name}: lift", "Lift (1 = as often as chance)", footer,
                      "%{y}: lift %{x}<br>in %{customdata[0]}% of " + name
                      + " postings (%{customdata[1]} postings)<extra></extra>")
    event = blocks.show_chart(fig, top, export.chart_name("stacks", "lift", filters, [chosen]),
                              selectable=True)
table = partners.select(
    pl.col("rank"), pl.col("name").alias("technology"), "category",
    pl.col("lift").round(2), (pl.col("share_of_chosen") * 100).round(1).alias(f"% of {name}"),
    pl.col("both_postings").alias("n together"),
    pl.col("partner_postings").alias("n naming it"),
    pl.when(pl.col("ranked")).then(pl.lit("")).otherwise(
        pl.lit(f"not ranked: fewer than {display.min_postings} together")).alias("note"))
st.dataframe(table, hide_index=True, width="stretch", key="stacks_table")
blocks.add_table_button(table, f"Stacks: what goes with {name}",
                        export.chart_name("stacks", "table", filters, [chosen]))

partner_names = dict(zip(partners["technology_id"], partners["name"], strict=True))
st.subheader("Postings behind a figure")
blocks.clicked_choice(event, "stack_with", 2)
together = ui.url_control(st.selectbox, f"Postings naming {name} and", "stack_with",
                          list(partner_names), ranked["technology_id"][0] if ranked.height
                          else next(iter(partner_names), None),
                          format_func=partner_names.get) if partner_names else None
if together:
    blocks.postings_together("stacks", chosen, [together], names,
                             f"both {name} and {partner_names[together]}")

st.subheader("Over time")
picked = ui.url_control(st.multiselect, "Named with", "stack_partners", list(partner_names),
                        ranked["technology_id"].head(3).to_list(),
                        format_func=partner_names.get)
metric = ui.url_control(st.radio, "Show", "stack_metric", ["share", "lift"], "share",
                        horizontal=True, format_func={"share": f"Share of {name} postings (%)",
                                                      "lift": "Lift"}.get)
if picked:
    yearly = rules.lift_by_year(co, chosen, picked)
    blocks.show_chart(charts.yearly_lines(yearly, metric, f"Named with {name}, per year",
                                          footer, display.min_postings), yearly,
                      export.chart_name("stacks", "by-year", filters, [chosen, *picked]))

st.subheader("Across the market: pairs that travel together")
scope = ui.url_control(st.selectbox, "Among the most named", "pairs_category",
                       ["", *categories.titles()], "",
                       format_func=lambda c: categories.titles().get(c, "technologies of "
                                                                     "every category"))
size = ui.url_control(st.slider, "How many", "pairs_n", range(5, 31), 15, min_value=5,
                      max_value=30)
pool = everything if not scope else everything.filter(pl.col("category") == scope)
top_ids = pool["technology_id"].head(size).to_list()
pairs = ui.data("tech_pairs", filters, technologies=top_ids)
if pairs.is_empty():
    st.info("No two of these technologies are named in the same posting.")
else:
    lifts = rules.pair_lifts(pairs)
    blocks.show_chart(charts.heat_map(lifts, footer, "Lift between the most named technologies",
                                      [names[t] for t in top_ids]),
                      lifts, export.chart_name("stacks", "pairs", filters, [scope or "all"]))
    st.caption("Blue: named together more often than chance; red: less often. Hover a cell for "
               "the postings naming both.")
