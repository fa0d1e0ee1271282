"""Hiring Radar: what backend job postings ask for, and how that changes.

The entry point draws the shared sidebar filters once and runs the chosen page.
"""

import streamlit as st

from radar import ui
from radar.queries import WarehouseMissing

# The favicon is an emoji (drawn as an inline data: SVG by the browser): a :material/...: favicon
# is fetched from fonts.gstatic.com, and no request may leave the app's host.
st.set_page_config(page_title="Hiring Radar", page_icon="📡", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/insights:", default=True),
    st.Page("pages/languages.py", title="Languages", icon=":material/code:"),
    st.Page("pages/databases.py", title="Databases", icon=":material/database:"),
    st.Page("pages/cloud.py", title="Cloud platforms", icon=":material/cloud:"),
    st.Page("pages/salary.py", title="Salary", icon=":material/payments:"),
    st.Page("pages/role_profile.py", title="Role profile", icon=":material/badge:"),
    st.Page("pages/map.py", title="Map", icon=":material/map:"),
    st.Page("pages/report.py", title="Report builder", icon=":material/description:"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("pages/about.py", title="About the data", icon=":material/info:"),
]

navigation = st.navigation(PAGES)
try:
    ui.sidebar_filters()
except WarehouseMissing as err:
    st.error(f"{err}")
    st.stop()
st.session_state["page_title"] = navigation.title
ui.sample_banner()
ui.show_notices()
navigation.run()
ui.sync_url_if_needed()
