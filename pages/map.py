"""Map: postings and the share naming a chosen technology, by country and by US state, drawn
from outlines shipped with the project (nothing is fetched)."""

import polars as pl
import streamlit as st

from etl.transforms.normalize import country_names
from radar import blocks, geo, maps, ui

filters, display = ui.current_filters(), ui.display()
st.title("Map")
st.caption("Countries come from each posting's location; US states from a two-letter state "
           "code in the location text where the source gives one (\"Austin, TX\"). Outlines: "
           "Natural Earth (public domain) via the world-atlas and us-atlas packages.")
ranking = ui.data("tech_ranking", filters, category="")
names = dict(zip(ranking["technology_id"], ranking["name"], strict=True))
if not names:
    st.info("No postings match the filters.")
    st.stop()
if st.session_state.get("map_tech", next(iter(names))) not in names:
    del st.session_state["map_tech"]  # not under these filters: back to the default
tech = ui.url_control(st.selectbox, "Technology", "map_tech", list(names), next(iter(names)),
                      format_func=names.get)
show = ui.url_control(st.radio, "Colour by", "map_show", ["share", "postings"], "share",
                      horizontal=True, format_func={"share": f"Share naming {names[tech]} (%)",
                                                    "postings": "Postings (count)"}.get)
area = ui.url_control(st.radio, "Area", "map_area", ["world", "us"], "world", horizontal=True,
                      format_func={"world": "Countries", "us": "US states"}.get)
percent = show == "share"
value_title = "Share (%)" if percent else "Postings"
if area == "world":
    frame = ui.data("map_countries", filters, map_technology=tech)
    rows = maps.map_rows(frame, "country")
    shapes = geo.world_shapes()
    label = dict(country_names())
    title = (f"Share of postings naming {names[tech]}, by country" if percent
             else "Postings by country")
    centre = 0.0
else:
    frame = ui.data("map_us_states", filters, map_technology=tech, states=list(geo.us_states()))
    rows = maps.map_rows(frame, "state")
    shapes = geo.us_state_shapes()
    label = {code: name for code, (_, name) in geo.us_states().items()}
    title = (f"Share of US postings naming {names[tech]}, by state" if percent
             else "US postings by state")
    centre = 38.0
total = int(frame["postings"].sum()) if frame.height else 0
footer = ui.footer(filters, total)
if rows.is_empty():
    st.info("No postings with a known " + ("country" if area == "world" else "US state")
            + " under these filters.")
else:
    blocks.show_chart(maps.choropleth(rows, shapes, show, title, footer, value_title, percent,
                                      centre_latitude=centre, min_postings=display.min_postings),
                      frame, f"map_{area}_{tech}_{filters.slug()}")
    if area == "us":
        unplaced = frame.filter(pl.col("state").is_null())
        if unplaced.height:
            st.caption(f"{int(unplaced['postings'][0]):,} of {total:,} US postings give no "
                       "state and are not on the map.")
    if percent and (few := rows.filter(pl.col("postings") < display.min_postings).height):
        st.caption(f"{few:,} of {rows.height:,} areas have fewer than "
                   f"{display.min_postings:,} postings (the sidebar's \"Fewest postings behind a "
                   "figure\"): drawn white with a grey outline, not shaded by their share.")
    table = rows.select(
        pl.col("key").replace_strict(label, default=pl.col("key")).alias(
            "country" if area == "world" else "state"),
        "postings", pl.col("naming").alias(f"naming {names[tech]}"),
        (pl.col("share") * 100).round(1).alias("share %"))
    st.dataframe(table, hide_index=True, key="map_table")
    blocks.add_table_button(table, title, f"map_table_{area}_{tech}_{filters.slug()}")
