"""Hiring Radar: what backend job postings ask for, and how that changes.

The entry point draws the shared sidebar filters once, runs the chosen page, and writes the
filters and the page's controls to the URL.
"""

import streamlit as st

from radar import categories, timeline, ui
from radar.queries import WarehouseMissing

timeline.mark("app.py run starts")

st.set_page_config(page_title="Hiring Radar", page_icon=ui.PAGE_ICON, layout="wide")

PAGES = {
    "": [
        st.Page("pages/overview.py", title="Overview", icon=":material/insights:", default=True),
    ],
    "Technologies": [
        st.Page("pages/technology.py", title=c.title, icon=c.icon, url_path=c.url_path)
        for c in categories.category_pages()
    ],
    "Answers": [
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/stacks.py", title="Stacks", icon=":material/stacks:"),
        st.Page("pages/learn_next.py", title="What to learn next", icon=":material/school:",
                url_path="learn-next"),
    ],
    "Pay and reports": [
        st.Page("pages/salary.py", title="Salary", icon=":material/payments:"),
        st.Page("pages/role_profile.py", title="Role profile", icon=":material/badge:"),
        st.Page("pages/map.py", title="Map", icon=":material/map:"),
        st.Page("pages/report.py", title="Report builder", icon=":material/description:"),
    ],
    "Data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/about.py", title="About the data", icon=":material/info:"),
    ],
}

navigation = st.navigation(PAGES, expanded=True)
if navigation.url_path:  # the start page ("") draws its first chart without it first
    ui.load_plotly_early()
ui.start_run()
try:
    ui.sidebar_filters()
    ui.display_settings()
except WarehouseMissing as err:
    st.error(f"{err}")
    st.stop()
st.session_state["page_title"] = navigation.title
st.session_state["page_url_path"] = navigation.url_path
timeline.mark("app.py sidebar drawn")
ui.sample_banner()
ui.show_notices()
try:
    navigation.run()
finally:
    ui.sync_url()
    timeline.mark("app.py run ends")
