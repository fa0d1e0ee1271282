"""Role profile: what a job under the filters asks for, beside the same profile five years
earlier: technology categories, top technologies, degree, years of experience, remote, pay."""

import polars as pl
import streamlit as st

from radar import blocks, pay, pay_charts, profile, ui

filters = ui.current_filters()
spec = profile.spec()
st.title("Role profile")
st.caption("Choose the role family, seniority, country and months in the sidebar. Shares count "
           "postings: a posting naming Go and Rust counts once for languages. The right-hand "
           f"figures are the same filters {spec.years_earlier} years earlier.")
before = profile.earlier(filters, ui.choices().first_month, spec.years_earlier)
now_label = f"{filters.date_from:%Y-%m} to {filters.date_to:%Y-%m}"
then_label = f"{before.date_from:%Y-%m} to {before.date_to:%Y-%m}" if before else None
categories = list(spec.categories)


def summary(chosen):
    """The profile's headline numbers under ``chosen`` filters; pay in the country's currency
    when one country is chosen, else pooled in US dollars."""
    values = ui.data("profile_summary", chosen).row(0, named=True)
    currency = pay.local_currency(chosen.countries)
    values["pay"] = pay_charts.money(values["median_usd"], "USD")
    if currency and values["with_pay"]:
        rates = pay.rate_rows(chosen.countries, pay.years_of(chosen.date_from, chosen.date_to))
        local = ui.data("pay_by_country", chosen, rates=rates).drop_nulls("country")
        if local.height:
            values["pay"] = pay_charts.money(local["median_local"][0], currency)
    return values


now_summary = summary(filters)
then_summary = summary(before) if before else None
if then_summary is not None and not then_summary["postings"]:
    then_summary, before, then_label = None, None, None
if not now_summary["postings"]:
    st.info("No postings match the filters.")
    st.stop()
footer = ui.footer(filters, now_summary["postings"])
if before is None:
    st.info(f"The data does not reach {spec.years_earlier} years before "
            f"{filters.date_from:%Y-%m}: the profile is shown alone.")

left, right = st.columns(2)
for column, label, values in ((left, now_label, now_summary), (right, then_label, then_summary)):
    if values is None:
        continue
    with column:
        st.markdown(f"**{label}**")
        share = profile.remote_share(values)
        st.metric(f"Postings ({label})", f"{values['postings']:,}")
        st.metric(f"Remote ({label})", f"{share * 100:.1f}%" if share is not None else "n/a",
                  help=f"{values['hybrid']:,} hybrid, {values['onsite']:,} on-site, "
                       f"{values['remote_unknown']:,} not stated")
        st.metric(f"Median advertised pay ({label})", values["pay"],
                  help=f"{values['with_pay']:,} postings with pay")

if len(filters.countries) != 1:
    st.caption("Pay pools every country in US dollars: choose one country for a figure that "
               "means something (the Salary page shows each market in its own currency).")

tables = ui.data("warehouse_columns")
if not profile.columns_of(tables, "rollup_categories"):
    st.warning("This warehouse was built before the role profile's rollup: rebuild it "
               "(`python -m etl build`) to see the profile.")
    st.stop()
technologies_now = ui.data("profile_technologies", filters, categories=categories)
technologies_then = (ui.data("profile_technologies", before, categories=categories)
                     if before else None)
shares = profile.side_by_side(
    profile.category_shares(technologies_now, spec.categories),
    profile.category_shares(technologies_then, spec.categories) if before else None, "category")
st.subheader("What the postings name")
blocks.show_chart(pay_charts.profile_bars(shares, "title", "Share of postings naming each category",
                                          footer, now_label, then_label),
                  shares, f"profile_categories_{filters.slug()}")

st.subheader("Top technologies in each category")
top_now = profile.top_technologies(technologies_now, spec.top, categories)
top_then = technologies_then.filter(pl.col("technology_id").is_not_null()) \
    if technologies_then is not None else None
top = profile.side_by_side(top_now, top_then, "technology_id")
table = top.select(
    pl.col("category").replace_strict(spec.categories, default=pl.col("category"))
    .alias("category"),
    pl.col("name").alias("technology"),
    (pl.col("share_now") * 100).round(1).alias(f"share % {now_label}"),
    *([(pl.col("share_then") * 100).round(1).alias(f"share % {then_label}"),
       pl.col("change_pp").round(1).alias("change (pp)")] if before else []),
    pl.col("postings_now").alias("postings"))
st.dataframe(table, hide_index=True, key="profile_top", width="stretch")
blocks.add_table_button(table, "Role profile: top technologies in each category",
                        f"profile_top_{filters.slug()}")

st.subheader("Degree and years of experience asked for")
columns = profile.columns_of(tables, "postings")
have_columns = set(profile.REQUIREMENT_COLUMNS) <= columns
requirements_now = ui.data("profile_requirements", filters) if have_columns else None
state = profile.requirements_state(columns, requirements_now)
if state != "ready":
    st.info("Degree and years of experience: not yet extracted from the postings in this "
            "warehouse" + (" (the warehouse predates the requirement columns; rebuild it)."
                           if state == "missing" else "."))
else:
    requirements_then = ui.data("profile_requirements", before) if before else None
    for field, title in (("degree", "Lowest degree asked for"),
                         ("years", "Minimum years of experience asked for")):
        rows = profile.side_by_side(
            profile.ordered(requirements_now, field),
            profile.ordered(requirements_then, field) if requirements_then is not None else None,
            "value")
        blocks.show_chart(pay_charts.profile_bars(rows, "value", title, footer, now_label,
                                                  then_label),
                          rows, f"profile_{field}_{filters.slug()}")
