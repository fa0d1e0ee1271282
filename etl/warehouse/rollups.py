"""The tables the build's rollup step writes beside the rollups so the pay, premium and role
profile queries never read the raw tables, and the postings behind a figure are found without
scanning every tag (issue 11, item 4; docs/scale.md).

Kept apart from build.py so the query layer can derive them (as views over the raw tables) for a
warehouse built before they existed, without importing the build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from etl.warehouse.monthly import (
    month_parts,
    naming_table,
    sql_quoted,
    views_of,
    write_by_month,
    write_months,
)
from etl.warehouse.schema import (
    MONTHLY_TABLES,
    YEARLY_TABLES,
    in_year_files,
    last_order,
    table_source,
    unordered,
)

DIMENSIONS = ("source", "country", "remote", "seniority", "role_family")

# Each technology's pay, and the market's, per value of each dimension: (dimension, value,
# technology_id, category, usd, n_all, n_before), counted over every month with pay and over
# those before the last (pay_quartiles_whole's two ends), one grouping of the pay tables per
# dimension (one grouping of all five, unpivoted, took three times as long at 10M postings).
PAY_BY_DIMENSION = "\n            union all\n            ".join(
    f"select '{d}' as dimension, {d} as value, {tech} as technology_id, {category} as category,"
    f" salary_annual_usd as usd, sum(n) as n_all, coalesce(sum(n) filter (where month < ("
    f"select max(upto_month) from pay_quartiles_whole)), 0) as n_before"
    f" from {table} where {d} is not null group by all"
    for d in DIMENSIONS
    for table, tech, category in (("salary_technologies", "technology_id", "category"),
                                  ("salary_values", "null", "null")))

# Pre-aggregated pay: each distinct advertised annual pay (USD) of a cell with the number of
# postings at it. Quantiles over these (value, count) rows are exactly those over the postings
# (QUANTILE_MACROS below: weighted_quantile), and advertised pay is mostly round figures, so a
# cell holds few distinct values. Sorted by month, so a date range skips row groups. The SQL
# reads the warehouse tables by name: the query layer runs the same text as views over a
# warehouse built before these tables existed (radar/queries.py).
DERIVED_SQL = {
    # by country and seniority within a month (a narrowed view's row groups), then every other
    # key (no two rows tie: the same order from run to run)
    "salary_values": """
        select month, {dims}, salary_annual_usd, count(*) as n
        from salaries group by all
        order by month, country, seniority, source, remote, role_family, salary_annual_usd""",
    # Sorted by category, then country, seniority and month (in a year file): a page asks for
    # one category's technologies, and a view narrowed to a country (and seniority) reads that
    # part of the category, its months in order, so with small row groups (ROW_GROUP_ROWS)
    # DuckDB reads only those row groups (docs/scale.md); then every other key (no two rows
    # tie: the same order from run to run).
    "salary_technologies": """
        select s.month, {s_dims}, t.technology_id, t.category, s.salary_annual_usd,
               count(*) as n
        from salaries s join posting_technologies t using (posting_id)
        group by all
        order by category, country, seniority, month, technology_id, source, remote,
                 role_family, salary_annual_usd""",
    # The same pay values summed over every source, remote status and role family: per month
    # x country x seniority (62% of salary_technologies' rows at 10M postings, 28% of a
    # view narrowed to one country and seniority). The pay queries read it in a view narrowed
    # by country or seniority and by no source, remote status or role family
    # (radar/sql/_macros.sql: salary_technologies_in). Sorted by country, seniority and month,
    # then category: such a view reads that part of a year file for every category at once, as
    # learn_next asks (docs/scale.md); then every other key (no two rows tie).
    "salary_technology_cells": """
        select month, country, seniority, technology_id, category, salary_annual_usd,
               sum(n) as n
        from salary_technologies group by all
        order by country, seniority, month, category, technology_id, salary_annual_usd""",
    # The tags of each technology in date order: the postings behind one technology x month
    # figure are one or two row groups (the tags themselves are sorted by posting id).
    "technology_postings": """
        select t.technology_id, p.posted_date, t.posting_id, t.name, t.surface, t.rule
        from posting_technologies t join (select posting_id, posted_date from postings) p
        using (posting_id)
        order by technology_id, posted_date, posting_id""",
    # The role profile's requirement bands (when the postings have the requirement columns).
    "rollup_requirements": """
        select date_trunc('month', posted_date)::date as month, {dims}, degree,
               degree_equivalent, min_years_experience, count(*) as postings
        from postings group by all
        order by month, country, seniority, source, remote, role_family, degree,
                 degree_equivalent, min_years_experience""",
    # Co-mentions (issue 11, item 4; docs/scale.md): each distinct set of technologies a cell's
    # postings name (sorted ids) with the postings naming exactly that set. Any count of
    # postings naming some technologies and any of others is a sum over these rows (learn_next's
    # postings naming any known technology, and the pairs of the chosen technologies
    # under filters); the by-month pair table is made from it. Ordered by month, then country
    # and seniority, in small row groups (ROW_GROUP_ROWS): a view narrowed to one country or
    # seniority reads that part of each month's sets, not all of them.
    "technology_sets": """
        select month, {dims}, technologies, count(*) as postings
        from (select posting_id, list(technology_id order by technology_id) as technologies
              from posting_technologies group by posting_id) s
        join (select posting_id, date_trunc('month', posted_date)::date as month, {dims}
              from postings) p using (posting_id)
        group by all
        order by month, country, seniority, source, remote, role_family, technologies""",
    # Postings naming both technologies of a pair per month over all cells (the dashboard's
    # default: no dimension filtered), each pair in both orders (technology_a, technology_b) and
    # (technology_b, technology_a), only pairs that co-occur; made from the sets (each set's
    # pairs weighted by its count), sorted by technology_a then month, so the pairs of a few
    # chosen technologies are a few row groups. Its rows are bounded by months x co-occurring
    # pairs, not by postings or cells: the pairs under a filter are counted at query time from
    # technology_sets (radar/sql/_macros.sql: technology_pairs_in; docs/scale.md).
    "technology_pairs_by_month": """
        select month, technology_a, technology_b, sum(postings) as postings
        from (select month, postings, technology_a,
                     unnest(list_filter(technologies, lambda x: x <> technology_a))
                        as technology_b
              from (select month, postings, technologies, unnest(technologies) as technology_a
                    from technology_sets))
        group by all order by technology_a, month, technology_b""",
    # Postings naming each technology per month over all cells (rollup_technologies without the
    # dimensions), for the same unfiltered case.
    "technologies_by_month": """
        select month, technology_id, sum(postings) as postings
        from rollup_technologies group by all order by technology_id, month""",
    # The same per value of each dimension (the other four summed; no row for a null value):
    # the postings naming each technology in a view narrowed by one dimension alone, a few row
    # groups of a few thousand rows (radar/sql/_macros.sql: technology_counts_in), where
    # rollup_technologies holds a row per cell and month (about 1.2M a country's at 10M).
    "technologies_by_dimension": """
        select month, dimension, value, technology_id, sum(postings) as postings
        from (unpivot (select month, {dims}, technology_id, postings from rollup_technologies)
              on {dims} into name dimension value value)
        group by all order by dimension, value, month, technology_id""",
    # The same per country (the map's postings naming a technology, with no dimension filtered),
    # ordered by technology: one technology's rows are a few row groups.
    "technology_countries_by_month": """
        select month, country, technology_id, sum(postings) as postings
        from rollup_technologies where country is not null
        group by all order by technology_id, month, country""",
    # Postings naming any technology of each category per month over all cells
    # (rollup_categories without the dimensions: a posting is in one cell), for the same case.
    "categories_by_month": """
        select month, category, sum(postings) as postings
        from rollup_categories group by all order by category, month""",
    # US postings per state code (from the location text, as map_us_states reads it; the page's
    # list of states is applied by the query) and per state code x technology.
    "rollup_us_states": """
        select date_trunc('month', posted_date)::date as month, {dims},
               nullif(regexp_extract(location_raw, ',\\s*([A-Z]{{2}})\\b', 1), '') as code,
               count(*) as postings
        from postings where country = 'US' group by all
        order by month, seniority, code, source, country, remote, role_family""",
    "rollup_us_state_technologies": """
        select p.month, {dims}, p.code, t.technology_id, count(*) as postings
        from (select posting_id, date_trunc('month', posted_date)::date as month, {dims},
                     nullif(regexp_extract(location_raw, ',\\s*([A-Z]{{2}})\\b', 1), '') as code
              from postings where country = 'US') p
        join posting_technologies t using (posting_id)
        group by all
        order by month, seniority, code, technology_id, source, country, remote, role_family""",
    # The pay values per cell of country x seniority x year (every source, remote status and
    # role family summed), counted over every month with pay (n_all) and over those before the
    # last one (n_before; last_month: the last month with pay): the rows the yearly, per-country
    # and premium pay queries group for the same default view (the two ends of
    # pay_quartiles_whole, which is summed from these), about 1/19 of salary_values' rows at
    # 10M postings. The queries
    # convert and rank them as they would salary_values' rows, so any exchange rates apply
    # (radar/sql/_macros.sql: salary_cells_in).
    "salary_cells_whole": """
        select s.country, s.seniority, year(s.month) as year, s.salary_annual_usd, l.last_month,
               sum(s.n) as n_all, coalesce(sum(s.n) filter (where s.month < l.last_month), 0)
                   as n_before
        from salary_values s, (select max(month) as last_month from salary_values) l
        group by all order by year, country, seniority, salary_annual_usd""",
    # The same per technology (with its category), ordered by technology: a few chosen
    # technologies' pay over time and premium cells are a few row groups.
    "salary_technology_cells_whole": """
        select s.technology_id, s.category, s.country, s.seniority, year(s.month) as year,
               s.salary_annual_usd, l.last_month, sum(s.n) as n_all,
               coalesce(sum(s.n) filter (where s.month < l.last_month), 0) as n_before
        from salary_technologies s, (select max(month) as last_month from salary_values) l
        group by all order by technology_id, year, country, seniority, salary_annual_usd""",
    # The pay quartiles of every technology, and the market's (technology_id null), over all
    # cells and every month with pay through ``upto_month``: the answer of the pay queries
    # with no dimension narrowed and a date range that takes exactly those months (the
    # dashboard's default view), which would otherwise read every row of salary_technologies.
    # Two ends: the last month with pay and the one before it (the default range stops before
    # an incomplete last month). ``first_month`` and ``next_month`` (the month with pay after
    # the end) say which date ranges take those months (radar/sql/_macros.sql:
    # whole_pay_upto). Made from the (value, n) rows above with the queries' own banded
    # quantile (QUANTILE_MACROS), so the figures are theirs.
    "pay_quartiles_whole": """
        with months as (
            select month, lead(month) over (order by month) as next_month,
                   min(month) over () as first_month,
                   row_number() over (order by month desc) as from_last
            from (select distinct month from salary_values)
        ),
        ends as (select month as upto_month, first_month, next_month, from_last from months
                 where from_last <= 2),
        -- each distinct pay of a technology (and the market's) counted over every month and
        -- over the months before the last (the ends above): the per-cell sums below, summed
        -- over the cells, not the pay tables read again
        summed as materialized (
            select technology_id, category, salary_annual_usd as usd, sum(n_all)::double as n_all,
                   sum(n_before)::double as n_before
            from salary_technology_cells_whole group by all
            union all
            select null, null, salary_annual_usd, sum(n_all)::double, sum(n_before)::double
            from salary_cells_whole group by all
        ),
        cells as materialized (
            select e.upto_month, s.technology_id, s.category, s.usd,
                   if(e.from_last = 1, s.n_all, s.n_before) as n
            from summed s cross join ends e
            where if(e.from_last = 1, s.n_all, s.n_before) > 0
        ),
        -- the quartiles sort only the values of the bands holding their ranks (pay_band), as
        -- the queries do
        bands as (
            select upto_month, technology_id, band, n,
                   sum(n) over (partition by upto_month, technology_id order by band) as upto,
                   sum(n) over (partition by upto_month, technology_id) as total
            from (select upto_month, technology_id, pay_band(usd) as band, sum(n) as n
                  from cells group by all)
        ),
        ranked as (
            select c.upto_month, c.technology_id, c.category, c.usd, b.total,
                   b.upto - b.n + sum(c.n) over (
                       partition by c.upto_month, c.technology_id, b.band order by c.usd) as upto
            from cells c join bands b on b.upto_month = c.upto_month
                 and b.technology_id is not distinct from c.technology_id
                 and b.band = pay_band(c.usd)
            where holds_quantile(b.upto, b.n, b.total, 0.25)
               or holds_quantile(b.upto, b.n, b.total, 0.5)
               or holds_quantile(b.upto, b.n, b.total, 0.75)
        )
        select e.upto_month, any_value(e.first_month) as first_month,
               any_value(e.next_month) as next_month, r.technology_id,
               any_value(r.category) as category, any_value(r.total)::bigint as postings,
               weighted_quantile(r.usd, r.upto, r.total, 0.25) as p25,
               weighted_quantile(r.usd, r.upto, r.total, 0.5) as median,
               weighted_quantile(r.usd, r.upto, r.total, 0.75) as p75
        from ranked r join ends e using (upto_month)
        group by e.upto_month, r.technology_id order by upto_month, technology_id""",
    # The pay quartiles of every technology, and the market's (technology_id null), per year,
    # over all cells and every month with pay through either end of pay_quartiles_whole: the
    # default view's pay over time (salary_over_time, pay_by_year in US dollars), which would
    # otherwise rank the ~0.1M value rows of its years and technologies at every call. The
    # queries' own steps (one running count per year and technology, weighted_quantile).
    "pay_year_quartiles_whole": """
        with ends as (
            select distinct upto_month, upto_month = max(upto_month) over () as last_end
            from pay_quartiles_whole
        ),
        cells as (
            select e.upto_month, c.year, null::varchar as technology_id,
                   c.salary_annual_usd as usd,
                   sum(if(e.last_end, c.n_all, c.n_before))::double as n
            from salary_cells_whole c cross join ends e group by all
            union all
            select e.upto_month, s.year, s.technology_id, s.salary_annual_usd,
                   sum(if(e.last_end, s.n_all, s.n_before))::double
            from salary_technology_cells_whole s cross join ends e group by all
        ),
        ranked as (
            select *,
                   sum(n) over (partition by upto_month, year, technology_id order by usd
                                rows between unbounded preceding and current row) as upto,
                   sum(n) over (partition by upto_month, year, technology_id) as total
            from cells where n > 0
        )
        select upto_month, year, technology_id, any_value(total)::bigint as postings,
               weighted_quantile(usd, upto, total, 0.25) as p25,
               weighted_quantile(usd, upto, total, 0.5) as median,
               weighted_quantile(usd, upto, total, 0.75) as p75
        from ranked group by all order by upto_month, technology_id, year""",
    # The pay premium cells (radar/sql/pay_premium_cells.sql) of every technology over every
    # month with pay through either end of pay_quartiles_whole: for each technology and cell of
    # country x seniority x year where it has pay, the postings naming it and the others:
    # n, median and the 95% interval of the median (premium_low_rank, premium_high_rank). The
    # default view's premium is a lookup here instead of a running count over about 0.8M rows
    # (four technologies, 10M postings). Made from the per-cell sums with the query's own steps
    # (cells and technologies numbered, one running count per technology x cell x side).
    "pay_premium_whole": """
        with ends as (
            select distinct upto_month, upto_month = max(upto_month) over () as last_end
            from pay_quartiles_whole
        ),
        everyone_values as (
            select e.upto_month, c.country, c.seniority, c.year, c.salary_annual_usd as usd,
                   if(e.last_end, c.n_all, c.n_before)::double as n
            from salary_cells_whole c cross join ends e
            where c.country is not null and if(e.last_end, c.n_all, c.n_before) > 0
        ),
        cell_ids as (
            select upto_month, country, seniority, year, (row_number() over ())::integer as cell
            from (select distinct upto_month, country, seniority, year from everyone_values)
        ),
        everyone as (
            select c.cell, e.usd, e.n
            from everyone_values e join cell_ids c using (upto_month, country, seniority, year)
        ),
        chosen as (
            select technology_id, (row_number() over (order by technology_id))::integer as t
            from (select distinct technology_id from salary_technology_cells_whole)
        ),
        naming as (
            select ch.t, c.cell, s.salary_annual_usd as usd,
                   if(e.last_end, s.n_all, s.n_before)::double as n
            from salary_technology_cells_whole s cross join ends e
            join chosen ch using (technology_id)
            join cell_ids c on c.upto_month = e.upto_month and c.country = s.country
                           and c.seniority = s.seniority and c.year = s.year
            where if(e.last_end, s.n_all, s.n_before) > 0
        ),
        -- the other postings only in the cells where the technology has pay (the query's
        -- answer has no others' figures without its own)
        cells as (
            select k.t, e.cell, e.usd, coalesce(w.n, 0) as n_with,
                   e.n - coalesce(w.n, 0) as n_without
            from (select distinct t, cell from naming) k join everyone e using (cell)
            left join naming w on w.t = k.t and w.cell = e.cell and w.usd = e.usd
        ),
        sides as (
            select ((cell::bigint - 1) * (select count(*) from chosen) + t - 1) * 2 + 1
                       as part, usd, n_with as n
            from cells where n_with > 0
            union all
            select ((cell::bigint - 1) * (select count(*) from chosen) + t - 1) * 2 as part,
                   usd, n_without as n
            from cells where n_without > 0
        ),
        ranked as (
            select *,
                   sum(n) over (partition by part order by usd
                                rows between unbounded preceding and current row) as upto,
                   sum(n) over (partition by part)::bigint as total
            from sides
        ),
        bounded as (
            select part, part // 2 % (select count(*) from chosen) + 1 as t,
                   part // 2 // (select count(*) from chosen) + 1 as cell,
                   any_value(total) as n,
                   weighted_quantile(usd, upto, total, 0.5) as median,
                   value_at_rank(usd, upto, premium_low_rank(total)) as low,
                   value_at_rank(usd, upto, premium_high_rank(total)) as high
            from ranked group by part
        )
        select c.upto_month, ch.technology_id, c.country, c.seniority, c.year,
               w.n as n_with, w.median as median_with, w.low as low_with, w.high as high_with,
               o.n as n_without, o.median as median_without, o.low as low_without,
               o.high as high_without
        from bounded w join bounded o on o.part = w.part - 1
        join chosen ch on ch.t = w.t
        join cell_ids c on c.cell = w.cell
        where w.part % 2 = 1
        order by upto_month, technology_id, country, seniority, year""",
    # The pay quartiles of every technology, and the market's (technology_id null), for each
    # value of each dimension (dimension, value: a country, a remote status, a seniority, a
    # role family, a source) over every month with pay through either end of
    # pay_quartiles_whole: the answer of the pay queries in a view narrowed to one value of one
    # dimension over the default range, which would otherwise rank that value's rows of
    # salary_technologies over every month (6.3M rows for remote postings at 10M postings:
    # about 0.5 s of learn_next). Each dimension's pay summed from the pay tables
    # (PAY_BY_DIMENSION), then the quartiles by pay_quartiles_whole's own steps (bands, then
    # the values of the bands holding the ranks), each end's counts taken from the same rows.
    "pay_quartiles_by_dimension": """
        with ends as (
            select distinct upto_month, upto_month = max(upto_month) over () as last_end
            from pay_quartiles_whole
        ),
        summed as materialized ({pay_by_dimension}),
        -- the bands' counts through both ends at once, then the running counts per end (a
        -- few rows per band): the pay rows are not repeated per end
        band_counts as (
            select dimension, value, technology_id, pay_band(usd) as band,
                   sum(n_all)::double as n_all, sum(n_before)::double as n_before
            from summed group by all
        ),
        bands as (
            select upto_month, last_end, dimension, value, technology_id, band, n,
                   sum(n) over (partition by upto_month, dimension, value, technology_id
                                order by band) as upto,
                   sum(n) over (partition by upto_month, dimension, value, technology_id)
                       as total
            from (select e.upto_month, e.last_end, c.dimension, c.value, c.technology_id,
                         c.band, if(e.last_end, c.n_all, c.n_before) as n
                  from band_counts c cross join ends e
                  where if(e.last_end, c.n_all, c.n_before) > 0)
        ),
        needed as (
            select * from bands
            where holds_quantile(upto, n, total, 0.25) or holds_quantile(upto, n, total, 0.5)
               or holds_quantile(upto, n, total, 0.75)
        ),
        ranked as (
            select b.upto_month, s.dimension, s.value, s.technology_id, s.category, s.usd,
                   b.total,
                   b.upto - b.n + sum(if(b.last_end, s.n_all, s.n_before)::double) over (
                       partition by b.upto_month, s.dimension, s.value, s.technology_id, b.band
                       order by s.usd) as upto
            from summed s join needed b on b.dimension = s.dimension and b.value = s.value
                 and b.technology_id is not distinct from s.technology_id
                 and b.band = pay_band(s.usd)
            where if(b.last_end, s.n_all, s.n_before) > 0
        )
        select upto_month, dimension, value, technology_id, any_value(category) as category,
               any_value(total)::bigint as postings,
               weighted_quantile(usd, upto, total, 0.25) as p25,
               weighted_quantile(usd, upto, total, 0.5) as median,
               weighted_quantile(usd, upto, total, 0.75) as p75
        from ranked group by all order by upto_month, dimension, value, technology_id""",
    # Each source's postings per month, dates and coverage, for coverage_by_source.
    "rollup_sources": """
        select source, date_trunc('month', posted_date)::date as month, count(*) as postings,
               min(posted_date) as first_date, max(posted_date) as last_date,
               count(salary_annual_usd) filter (where not salary_is_estimate) as with_salary,
               count(*) filter (where country is not null) as with_country
        from postings group by all order by month, source""",
}
REQUIREMENT_COLUMNS = ("degree", "degree_equivalent", "min_years_experience")

# Tables that hold answers (or the rows of one view) rather than rows to aggregate, for the
# dashboard's default view: a warehouse built before one of them existed gets an empty stand-in
# for every one (radar/queries.py), not a view computing it at every query, so the queries
# take their computing branch there (whole_pay_upto finds no end in an empty
# pay_quartiles_whole).
# (in the order they are made: the quartiles are summed from the per-cell sums)
ANSWER_TABLES = ("salary_cells_whole", "salary_technology_cells_whole", "pay_quartiles_whole",
                 "pay_year_quartiles_whole", "pay_premium_whole", "pay_quartiles_by_dimension")

# Exact quantiles over (value, n) rows, for the build's answer tables and the queries
# (radar.queries loads these before radar/sql/_macros.sql).
QUANTILE_MACROS = """
-- The value at 0-based rank r of a group of (value, n) rows, where upto is the running count
-- of the group through the row's value (sum(n) over (partition by group order by value)).
create or replace macro value_at_rank(value, upto, r) as min(value) filter (where upto > r);

-- quantile_cont(value, q) over the postings a group of (value, n) rows stands for, exactly:
-- total is the group's count; linear interpolation between the values at ranks floor and
-- ceil of (total - 1) * q, as DuckDB's quantile_cont does.
create or replace macro weighted_quantile(value, upto, total, q) as
    value_at_rank(value, upto, floor((total::double - 1) * q))
    + (value_at_rank(value, upto, ceil((total::double - 1) * q))
       - value_at_rank(value, upto, floor((total::double - 1) * q)))
      * ((any_value(total)::double - 1) * q - floor((any_value(total)::double - 1) * q));

-- Exact quantiles without sorting every value (docs/scale.md, "Banded quantiles"): a group's
-- (value, n) rows are first counted per band of values (pay_band: monotone in the value, so
-- every value of a lower band is smaller), the running count over a group's bands finds the
-- bands that hold the ranks a quantile needs, and only those bands' values are sorted. A row's
-- running count within its band plus the count of the group's lower bands (before) is its
-- running count in the whole group, so value_at_rank and weighted_quantile over those rows
-- give the value at any rank of a band kept: the answers are those over every value.
create or replace macro pay_band(value) as floor(value / 1000);

-- Whether a band (its running count upto through it, its own count n) holds 0-based rank r.
create or replace macro holds_rank(upto, n, r) as r >= upto - n and r < upto;

-- Whether a band holds a rank weighted_quantile(..., total, q) reads (floor and ceil).
create or replace macro holds_quantile(upto, n, total, q) as
    holds_rank(upto, n, floor((total::double - 1) * q))
    or holds_rank(upto, n, ceil((total::double - 1) * q));

-- The 0-based ranks of the distribution-free 95% confidence interval of a median of total
-- values: the order statistics at n/2 -/+ 0.98 sqrt(n) (the normal approximation to the
-- binomial), as the pay premium reads them (radar/sql/pay_premium_cells.sql and the build's
-- pay_premium_whole).
create or replace macro premium_low_rank(total) as
    greatest(1, floor(total / 2 - 0.98 * sqrt(total))::bigint) - 1;
create or replace macro premium_high_rank(total) as
    least(total, ceil(total / 2 + 1 + 0.98 * sqrt(total))::bigint) - 1;
"""

# Rows per Parquet row group of a derived table or a rollup (100,000 when not named): DuckDB
# skips a row group whose min/max of the sort keys fall outside a query's filters, so the
# tables the pay, profile and co-mention queries read narrowed get small row groups (a year of
# 11 is about a tenth of a table; the app parses each footer once, radar/queries.py: the
# footer cache).
ROW_GROUP_ROWS = {"salary_values": 10_000, "salary_technologies": 20_000,
                  "salary_technology_cells": 20_000,
                  "rollup_requirements": 10_000, "salary_cells_whole": 10_000,
                  "salary_technology_cells_whole": 20_000, "technology_sets": 10_000,
                  # the build's rollups (etl/warehouse/build.py: ROLLUP_SQL), by month and
                  # country: a country's rows of a month are a row group or two
                  "rollup_technologies": 10_000, "rollup_categories": 10_000,
                  "technologies_by_dimension": 5_000}


# The derived tables grouped (or ordered) by month first, made a part at a time as the rollups
# are (etl/warehouse/monthly.py: write_by_month): over 10 million postings at once, the tag index's
# join and sort spilled 8 GB to disk. The others are ordered by technology first and read
# smaller tables (salaries, the sets, the rollups).
BY_MONTH = ("salary_values", "technology_postings", "rollup_requirements", "technology_sets",
            "rollup_us_states", "rollup_us_state_technologies", "rollup_sources")


def derived_sql(name: str) -> str:
    """The SQL of one derived table, over the warehouse tables by name."""
    return DERIVED_SQL[name].format(dims=", ".join(DIMENSIONS),
                                       s_dims=", ".join(f"s.{d}" for d in DIMENSIONS),
                                       pay_by_dimension=PAY_BY_DIMENSION)


def order_of(name: str) -> str:
    """The order a derived table's SQL gives its rows (its ``order by`` keys)."""
    return last_order(DERIVED_SQL[name])


def derived_tables_for(columns: set[str]) -> list[str]:
    """The derived tables a warehouse whose postings have these columns gets."""
    return [name for name in DERIVED_SQL
            if name != "rollup_requirements" or set(REQUIREMENT_COLUMNS) <= columns]


def write_derived_tables(con: duckdb.DuckDBPyConnection, folder: Path,
                         memory: str = "1GB", answers: bool = True) -> dict[str, int]:
    """Write the pre-aggregated pay and requirement tables and the tag index (after
    ``salaries``), and the answer tables unless ``answers`` is false (an append makes them for
    the whole warehouse afterwards, not for its touched months); their row counts. DuckDB
    streams each into Parquet, spilling a sort to disk beyond ``memory``."""
    spill = folder / ".derived-spill"
    _set_up(con, memory, spill)
    whole = {table: table_source(folder, table) for table in
             ("postings", "salaries", "posting_technologies", "rollup_technologies",
              "rollup_categories")}
    views_of(con, whole)
    parts = month_parts(folder, ("postings", "salaries", "posting_technologies"),
                        spill / "stand-ins")
    columns = {c for (c,) in con.sql("select column_name from (describe postings)").fetchall()}
    counts = {}
    try:
        for name in derived_tables_for(columns):
            if name in ANSWER_TABLES and not answers:
                continue
            with naming_table(name):
                if name in BY_MONTH:
                    counts[name] = _write_by_month(con, name, parts, folder)
                    views_of(con, whole)  # write_by_month leaves them on its last month
                elif name in YEARLY_TABLES:  # salary_technologies: ordered by category
                    counts[name] = write_months(
                        con, in_year_files(derived_sql(name), order_of(name)), {},
                        folder / name, group_rows=ROW_GROUP_ROWS.get(name, 100_000),
                        compression="zstd")
                else:
                    counts[name] = write_whole(con, name, folder / f"{name}.parquet")
            # a later table may be made from this one (the pairs from technology_sets)
            con.sql(f"create or replace view {name} as select * from "
                    f"read_parquet('{sql_quoted(table_source(folder, name))}')")
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return counts


def _set_up(con: duckdb.DuckDBPyConnection, memory: str, spill: Path) -> None:
    """A connection that writes derived tables: DuckDB's memory limit, spilling to ``spill``
    beyond it, no progress bar, the quantile macros."""
    con.execute(f"set memory_limit = '{memory}'")
    con.execute("set enable_progress_bar = false")
    con.execute(f"set temp_directory = '{sql_quoted(spill)}'")
    con.execute(QUANTILE_MACROS)


def write_whole(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """Write one derived table in one query (DuckDB streams it into Parquet); its rows."""
    con.execute(f"copy ({derived_sql(name)}) to '{sql_quoted(path)}' (format parquet, "
                f"compression zstd, row_group_size {ROW_GROUP_ROWS.get(name, 100_000)})")
    return con.sql(f"select count(*) from read_parquet('{sql_quoted(path)}')").fetchall()[0][0]


def write_answer_tables(folder: Path, memory: str = "1GB") -> dict[str, int]:
    """Write the answer tables (ANSWER_TABLES) from the warehouse's pay tables, whole: an
    append, which updates the other tables by month, rewrites these after them (they answer
    for the whole range); their row counts."""
    con = duckdb.connect()
    try:
        _set_up(con, memory, folder / ".answers-spill")
        views_of(con, {t: table_source(folder, t)
                       for t in ("salary_values", "salary_technologies")})
        counts = {}
        for name in ANSWER_TABLES:
            with naming_table(name):
                counts[name] = write_whole(con, name, folder / f"{name}.parquet")
            views_of(con, {name: str(folder / f"{name}.parquet")})  # read by a later one
        return counts
    finally:
        con.close()
        shutil.rmtree(folder / ".answers-spill", ignore_errors=True)


def tag_index_query(query: str) -> str:
    """The tag index's rows as its writer takes them: each row's month, its file, as
    ``_month`` (the month's first day: a date sorts and is made faster than its text, 12% of
    the table's CPU at 1M postings); ordered by month, then by the query's own keys (its own
    sort is dropped)."""
    return (f"select *, date_trunc('month', posted_date)::date as _month "
            f"from ({unordered(query)}) order by _month, {last_order(query)}")


def _write_by_month(con: duckdb.DuckDBPyConnection, name: str, parts: list[dict[str, list[str]]],
                    folder: Path) -> int:
    """Write one derived table of BY_MONTH a part (of whole months) at a time; its rows."""
    query, group = derived_sql(name), ROW_GROUP_ROWS.get(name, 100_000)
    if name in MONTHLY_TABLES:  # the tag index: a file per month (schema.py)
        return write_by_month(con, tag_index_query(query), parts, folder / name, monthly=True,
                              group_rows=group, compression="zstd")
    if name in YEARLY_TABLES:  # a file per year (schema.py), in the table's order
        return write_by_month(con, in_year_files(query, order_of(name)), parts, folder / name,
                              monthly=True, group_rows=group, compression="zstd")
    return write_by_month(con, query, parts, folder / f"{name}.parquet", group_rows=group,
                          compression="zstd")
