"""Languages: share of postings mentioning each per month, the ranking, the survey comparison."""

from radar import context, ui

ui.technology_page("language")
context.survey_panel("language", ui.current_filters())
