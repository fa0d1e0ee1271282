"""`python -m radar.serve run app.py ...`: `streamlit run` with Streamlit's old `pages/` folder
route switched off from the start.

With a pages/ folder beside app.py, the first session of a fresh server would look the address
up among the files of pages/ and, for an address st.navigation gives (/web-servers, /learn-next,
the category pages that share pages/technology.py), show "Page not found" over the page. The app
declares every page with st.navigation, so the old route is never wanted.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(main())
