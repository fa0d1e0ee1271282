"""Languages: share of postings mentioning each technology per month, and the ranking."""

from radar import ui

ui.technology_page("language")
