-- Filter macros shared by every named query. Loaded once per connection by radar.queries.
-- An empty list means "no narrowing" for that dimension. A table kept in month or year files
-- (etl/warehouse/schema.py) is read through <table>_of_months / <table>_of_years(date_from,
-- date_to) (radar/queries.py), which opens only the files of the range's months or years.
create or replace macro kept(month, source, country, remote, seniority, role_family,
                             date_from, date_to, sources, countries, remotes, seniorities, roles) as
    month between date_from and date_to
    and (len(sources::varchar[]) = 0 or list_contains(sources::varchar[], source))
    and (len(countries::varchar[]) = 0 or list_contains(countries::varchar[], country))
    and (len(remotes::varchar[]) = 0 or list_contains(remotes::varchar[], remote))
    and (len(seniorities::varchar[]) = 0 or list_contains(seniorities::varchar[], seniority))
    and (len(roles::varchar[]) = 0 or list_contains(roles::varchar[], role_family));

-- True when a country or a seniority is narrowed and no source, remote status or role family
-- is: a view by country and seniority (and date).
create or replace macro by_country_and_seniority(countries, seniorities, remotes, roles,
                                                 sources) as
    (len(countries::varchar[]) > 0 or len(seniorities::varchar[]) > 0)
    and len(remotes::varchar[]) = 0 and len(roles::varchar[]) = 0
    and len(sources::varchar[]) = 0;

create or replace macro postings_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select * from rollup_postings
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro technologies_in(date_from, date_to, countries, remotes, seniorities, roles,
                                        sources) as table
    select r.*, t.name, t.category, t.parent
    from rollup_technologies_of_years(date_from, date_to) r
         join technologies t using (technology_id)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro categories_in(date_from, date_to, countries, remotes, seniorities, roles,
                                      sources) as table
    select * from rollup_categories_of_years(date_from, date_to)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro salaries_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select * from salaries
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- The postings themselves: the date range is a range of posted_date, the sort key of
-- postings.parquet, so DuckDB skips the row groups outside it (a filter on
-- date_trunc('month', posted_date) would read every row group), and only the range's month
-- files are opened (postings_of_months, radar/queries.py).
create or replace macro listings_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select date_trunc('month', posted_date)::date as month, *
    from postings_of_months(date_from, date_to)
    where posted_date between date_from::date and last_day(date_to::date)
      and kept(date_trunc('month', posted_date)::date, source, country, remote, seniority,
               role_family, date_from, date_to, sources, countries, remotes, seniorities, roles);

-- Pre-aggregated pay (etl/warehouse/build.py, write_pay_rollups): rows of (value, n), each
-- distinct advertised annual pay in USD of a cell and the postings at it.
create or replace macro salary_values_in(date_from, date_to, countries, remotes, seniorities,
                                         roles, sources) as table
    select * from salary_values
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- The pay values per technology (salary_technologies' columns). In a view by country and
-- seniority (by_country_and_seniority) they come summed over source, remote status and role
-- family (salary_technology_cells: about a third of the rows such a view reads at 10M; its
-- source, remote and role_family are null). Otherwise from salary_technologies, whose order
-- (category, then technology within a month) and bloom filters let a query of a few
-- technologies, or one category, skip the rest. Bound filters leave one branch when the query
-- is planned.
create or replace macro salary_technologies_in(date_from, date_to, countries, remotes,
                                               seniorities, roles, sources) as table
    select month, null::varchar as source, country, null::varchar as remote, seniority,
           null::varchar as role_family, technology_id, category, salary_annual_usd, n
    from salary_technology_cells_of_years(date_from, date_to)
    where by_country_and_seniority(countries, seniorities, remotes, roles, sources)
      and kept(month, null, country, null, seniority, null,
               date_from, date_to, sources, countries, remotes, seniorities, roles)
    union all
    select * from salary_technologies_of_years(date_from, date_to)
    where not by_country_and_seniority(countries, seniorities, remotes, roles, sources)
      and kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro requirements_in(date_from, date_to, countries, remotes, seniorities,
                                        roles, sources) as table
    select * from rollup_requirements
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- Co-mentions, US states (etl/warehouse/rollups.py): technology sets and pairs per cell, and US
-- postings per state code (with and without a technology), under the filters.
create or replace macro technology_sets_in(date_from, date_to, countries, remotes, seniorities,
                                           roles, sources) as table
    select * from technology_sets_of_years(date_from, date_to)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- True when the list of technology ids names any of ids: list_has_any(technologies, ids), which
-- DuckDB evaluates about 3.5x slower over a 10M-posting warehouse's sets (3.6 s against 1.0 s
-- for one id, 2026-12-03).
create or replace macro names_any(technologies, ids) as
    coalesce(list_bool_or(list_transform(ids::varchar[],
                                         lambda k: list_contains(technologies, k))), false);

-- How many of ids the list of technology ids names (each id of ids counted once per time it
-- is listed; the same list_contains per id as names_any).
create or replace macro names_count(technologies, ids) as
    coalesce(list_sum(list_transform(ids::varchar[],
                                     lambda k: list_contains(technologies, k)::integer)), 0);

-- How many dimensions the filters narrow.
create or replace macro narrowed_dimensions(countries, remotes, seniorities, roles, sources) as
    (len(countries::varchar[]) > 0)::integer + (len(remotes::varchar[]) > 0)::integer
    + (len(seniorities::varchar[]) > 0)::integer + (len(roles::varchar[]) > 0)::integer
    + (len(sources::varchar[]) > 0)::integer;

-- True when no dimension is narrowed: the queries below then read the tables summed over all
-- cells (the other branch is dropped when the parameters are bound, so it costs nothing).
create or replace macro unfiltered(countries, remotes, seniorities, roles, sources) as
    narrowed_dimensions(countries, remotes, seniorities, roles, sources) = 0;

-- Postings naming both of a pair (technology_a among the chosen ids, technology_b any other
-- technology they name) per month under the filters. Unfiltered: the pairs summed per month
-- (technology_pairs_by_month, sorted by technology_a). Filtered: counted from the cells' sets
-- that hold a chosen technology, each set's pairs weighted by its postings; no table of pairs
-- per cell is kept, so the pairs' rows do not grow with the cells (docs/scale.md).
create or replace macro technology_pairs_in(date_from, date_to, countries, remotes, seniorities,
                                            roles, sources, chosen) as table
    select month, technology_a,
           unnest(list_filter(technologies, lambda x: x <> technology_a)) as technology_b,
           postings
    from (select month, technologies, postings,
                 unnest(list_filter(technologies, lambda x: list_contains(chosen::varchar[], x)))
                     as technology_a
          from technology_sets_of_years(date_from, date_to)
          where kept(month, source, country, remote, seniority, role_family,
                     date_from, date_to, sources, countries, remotes, seniorities, roles)
            and not unfiltered(countries, remotes, seniorities, roles, sources)
            and names_any(technologies, chosen))
    union all
    select month, technology_a, technology_b, postings from technology_pairs_by_month
    where month between date_from and date_to
      and unfiltered(countries, remotes, seniorities, roles, sources)
      and list_contains(chosen::varchar[], technology_a);

-- The dimension a view narrowed by one dimension alone narrows (technologies_by_dimension's
-- name of it), and the values it keeps.
create or replace macro narrowed_dimension(countries, remotes, seniorities, roles, sources) as
    case when len(countries::varchar[]) > 0 then 'country'
         when len(remotes::varchar[]) > 0 then 'remote'
         when len(seniorities::varchar[]) > 0 then 'seniority'
         when len(roles::varchar[]) > 0 then 'role_family'
         when len(sources::varchar[]) > 0 then 'source' end;

create or replace macro narrowed_values(countries, remotes, seniorities, roles, sources) as
    case when len(countries::varchar[]) > 0 then countries::varchar[]
         when len(remotes::varchar[]) > 0 then remotes::varchar[]
         when len(seniorities::varchar[]) > 0 then seniorities::varchar[]
         when len(roles::varchar[]) > 0 then roles::varchar[]
         else sources::varchar[] end;

-- Postings naming each technology per month (rollup_technologies without its dimensions):
-- summed per month when no dimension is narrowed (technologies_by_month), per value of the
-- one dimension narrowed (technologies_by_dimension), else from the cells.
create or replace macro technology_counts_in(date_from, date_to, countries, remotes,
                                             seniorities, roles, sources) as table
    select month, technology_id, postings
    from rollup_technologies_of_years(date_from, date_to)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles)
      and narrowed_dimensions(countries, remotes, seniorities, roles, sources) > 1
    union all
    select month, technology_id, postings from technologies_by_dimension
    where narrowed_dimensions(countries, remotes, seniorities, roles, sources) = 1
      and dimension = narrowed_dimension(countries, remotes, seniorities, roles, sources)
      and list_contains(narrowed_values(countries, remotes, seniorities, roles, sources), value)
      and month between date_from and date_to
    union all
    select month, technology_id, postings from technologies_by_month
    where month between date_from and date_to
      and unfiltered(countries, remotes, seniorities, roles, sources);

-- Postings naming any technology of each category per month, from categories_by_month when no
-- dimension is filtered (as technology_counts_in), else from rollup_categories.
create or replace macro category_counts_in(date_from, date_to, countries, remotes, seniorities,
                                           roles, sources) as table
    select month, category, postings
    from rollup_categories_of_years(date_from, date_to)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles)
      and not unfiltered(countries, remotes, seniorities, roles, sources)
    union all
    select month, category, postings from categories_by_month
    where month between date_from and date_to
      and unfiltered(countries, remotes, seniorities, roles, sources);

create or replace macro us_states_in(date_from, date_to, countries, remotes, seniorities, roles,
                                     sources) as table
    select * from rollup_us_states
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro us_state_technologies_in(date_from, date_to, countries, remotes,
                                                 seniorities, roles, sources) as table
    select * from rollup_us_state_technologies_of_years(date_from, date_to)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- The end month of the stored whole-range pay quartiles (pay_quartiles_whole: the build's
-- answers for every month with pay through upto_month) whose months a date range takes
-- exactly (from the first; none after it), when the filters are ones the stored answers hold
-- (answered), else null.
create or replace macro answered_end(date_from, date_to, answered) as (
    select max(upto_month) from pay_quartiles_whole
    where answered
      and date_from::date <= first_month and upto_month <= date_to::date
      and (next_month is null or date_to::date < next_month));

-- That end for a view with no dimension narrowed: pay_quartiles_whole and the tables beside
-- it (all cells) answer it. radar.queries binds it as $whole_upto with a first statement
-- (WHOLE_UPTO) in every query naming $whole_upto, so the branch a query does not take is
-- dropped when it is planned.
create or replace macro whole_pay_upto(date_from, date_to, countries, remotes, seniorities,
                                       roles, sources) as
    answered_end(date_from, date_to,
                 unfiltered(countries, remotes, seniorities, roles, sources));

-- That end for a view narrowed to one value of one dimension (one country, one remote
-- status, ...): the build's quartiles per dimension value (pay_quartiles_by_dimension) answer
-- it. radar.queries binds it beside whole_upto, as $dimension_upto.
create or replace macro dimension_pay_upto(date_from, date_to, countries, remotes, seniorities,
                                           roles, sources) as
    answered_end(date_from, date_to,
                 narrowed_dimensions(countries, remotes, seniorities, roles, sources) = 1
                 and len(narrowed_values(countries, remotes, seniorities, roles, sources)) = 1);

-- The stored pay quartiles (technology_id, category, postings, p25, median, p75; the market's
-- with technology_id null) that answer the filters: pay_quartiles_whole through whole_upto,
-- or the narrowed value's rows of pay_quartiles_by_dimension through dimension_upto; none when
-- both are null (the query computes them). Bound ends leave one branch when it is planned.
create or replace macro stored_quartiles(whole_upto, dimension_upto, countries, remotes,
                                         seniorities, roles, sources) as table
    select technology_id, category, postings, p25, median, p75 from pay_quartiles_whole
    where upto_month = whole_upto::date
    union all
    select technology_id, category, postings, p25, median, p75 from pay_quartiles_by_dimension
    where upto_month = dimension_upto::date
      and dimension = narrowed_dimension(countries, remotes, seniorities, roles, sources)
      and value = narrowed_values(countries, remotes, seniorities, roles, sources)[1];

-- Whether stored_quartiles holds the answer (either end bound): a query then reads it there and
-- drops its computing branch (the ends are bound constants, so the branch goes when planned).
create or replace macro quartiles_stored(whole_upto, dimension_upto) as (
    whole_upto::date is not null or dimension_upto::date is not null);

-- A row of salary_cells_whole or salary_technology_cells_whole: its count through whole_upto,
-- the last month with pay (n_all) or the one before (n_before).
create or replace macro counted_through(whole_upto, last_month, n_all, n_before) as
    if(last_month = whole_upto::date, n_all, n_before);

-- Pay values per cell of country x seniority x year under the filters (country, seniority,
-- year, salary_annual_usd, n): with whole_upto set (whole_pay_upto) the build's sums over every
-- source, remote status, role family and month through that end (salary_cells_whole, about
-- 1/19 of salary_values' rows at 10M), else summed from salary_values. A bound whole_upto
-- leaves one branch when the query is planned.
create or replace macro salary_cells_in(date_from, date_to, countries, remotes, seniorities,
                                        roles, sources, whole_upto) as table
    select country, seniority, year(month) as year, salary_annual_usd, sum(n) as n
    from salary_values_in(date_from, date_to, countries, remotes, seniorities, roles, sources)
    where whole_upto::date is null
    group by all
    union all
    select country, seniority, year, salary_annual_usd,
           counted_through(whole_upto, last_month, n_all, n_before) as n
    from salary_cells_whole
    where whole_upto::date is not null
      and counted_through(whole_upto, last_month, n_all, n_before) > 0;

-- The same per technology (technology_id first), for the technologies in ids
-- (salary_technology_cells_whole is ordered by technology).
create or replace macro salary_technology_cells_in(date_from, date_to, countries, remotes,
                                                   seniorities, roles, sources, ids,
                                                   whole_upto) as table
    select technology_id, country, seniority, year(month) as year, salary_annual_usd,
           sum(n) as n
    from salary_technologies_in(date_from, date_to, countries, remotes, seniorities, roles,
                                sources)
    where whole_upto::date is null and list_contains(ids, technology_id)
    group by all
    union all
    select technology_id, country, seniority, year, salary_annual_usd,
           counted_through(whole_upto, last_month, n_all, n_before) as n
    from salary_technology_cells_whole
    where whole_upto::date is not null and list_contains(ids, technology_id)
      and counted_through(whole_upto, last_month, n_all, n_before) > 0;

-- value_at_rank, weighted_quantile and the band macros (pay_band, holds_quantile):
-- etl/warehouse/rollups.py, QUANTILE_MACROS (the build's answer tables use them too).
