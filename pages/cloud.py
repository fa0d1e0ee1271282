"""Cloud: share of postings mentioning each per month, the ranking, the survey comparison."""

from radar import context, ui

ui.technology_page("cloud")
context.survey_panel("cloud", ui.current_filters())
