"""Databases: share of postings mentioning each per month, the ranking, the survey comparison."""

from radar import context, ui

ui.technology_page("database")
context.survey_panel("database", ui.current_filters())
