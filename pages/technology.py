"""A technology category (Languages, Web servers, CI/CD, ...): share of postings mentioning each
per month, the postings behind a figure, the ranking with the 12-month change, the survey
comparison. One file for every category of radar/categories.toml; app.py gives each an address."""

import streamlit as st

from radar import blocks, charts, context, export, rules, ui

category = ui.page_category()
filters, display = ui.current_filters(), ui.display()
st.title(category.title)
ranking = ui.data("tech_ranking", filters, category=category.id)
if ranking.is_empty():
    st.info(f"No posting under these filters names any of the {category.title.lower()}.")
    st.stop()

chosen = blocks.technology_picker(ranking, f"tech_{category.id}")
metric = ui.url_control(st.radio, "Show", f"metric_{category.id}", ["share", "count"], "share",
                        horizontal=True, format_func={"share": "Share of postings (%)",
                                                      "count": "Postings (count)"}.get)
n_postings = int(ui.data("kpis", filters)["postings"][0])
if chosen:
    series = ui.data("tech_share_by_month", filters, technologies=chosen)
    shown = rules.monthly_figures(series, display.months, display.min_postings,
                                  display.incomplete)
    fig = charts.monthly_lines(shown, ui.footer(filters, n_postings),
                               f"{category.title}: share of postings mentioning each, per month",
                               metric, display.months, display.min_postings)
    event = blocks.show_chart(fig, shown, export.chart_name(category.url_path, "share", filters,
                                                            chosen), selectable=True)
    blocks.postings_behind(category.id, series, event)

st.subheader(f"Ranking with the 12-month change ({n_postings:,} postings)")
blocks.ranking_table(ranking, category.one, f"{category.title}: ranking with the 12-month change",
                     export.chart_name(category.url_path, "ranking", filters),
                     key=f"ranking_{category.id}")

context.survey_panel(category.id, filters)
