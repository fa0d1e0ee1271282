"""Opening a page by its address under AppTest.

AppTest.switch_page takes a file path, but pages/technology.py is registered under one address
per category; a real session finds a page by the hash of its address (st.Page._script_hash), and
so does this helper.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def open_address(at: AppTest, url_path: str) -> AppTest:
    """Run the page registered at ``url_path`` (as /url_path in a browser); fails on an error."""
    at._page_hash = calc_hash(url_path)
    at.run()
    assert not at.exception, at.exception
    return at
