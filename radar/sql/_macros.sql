-- Filter macros shared by every named query. Loaded once per connection by radar.queries.
-- An empty list means "no narrowing" for that dimension.
create or replace macro kept(month, source, country, remote, seniority, role_family,
                             date_from, date_to, sources, countries, remotes, seniorities, roles) as
    month between date_from and date_to
    and (len(sources::varchar[]) = 0 or list_contains(sources::varchar[], source))
    and (len(countries::varchar[]) = 0 or list_contains(countries::varchar[], country))
    and (len(remotes::varchar[]) = 0 or list_contains(remotes::varchar[], remote))
    and (len(seniorities::varchar[]) = 0 or list_contains(seniorities::varchar[], seniority))
    and (len(roles::varchar[]) = 0 or list_contains(roles::varchar[], role_family));

create or replace macro postings_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select * from rollup_postings
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro technologies_in(date_from, date_to, countries, remotes, seniorities, roles,
                                        sources) as table
    select r.*, t.name, t.category, t.parent
    from rollup_technologies r join technologies t using (technology_id)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro categories_in(date_from, date_to, countries, remotes, seniorities, roles,
                                      sources) as table
    select * from rollup_categories
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

create or replace macro salary_technologies_in(date_from, date_to, countries, remotes,
                                               seniorities, roles, sources) as table
    select * from salary_technologies
    where kept(month, source, country, remote, seniority, role_family,
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
    select * from technology_sets
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

-- True when the list of technology ids names any of ids: list_has_any(technologies, ids), which
-- DuckDB evaluates about 3.5x slower over a 10M-posting warehouse's sets (3.6 s against 1.0 s
-- for one id, 2026-12-03).
create or replace macro names_any(technologies, ids) as
    coalesce(list_bool_or(list_transform(ids::varchar[],
                                         lambda k: list_contains(technologies, k))), false);

-- True when no dimension is narrowed: the queries below then read the tables summed over all
-- cells (the other branch is dropped when the parameters are bound, so it costs nothing).
create or replace macro unfiltered(countries, remotes, seniorities, roles, sources) as
    len(countries::varchar[]) = 0 and len(remotes::varchar[]) = 0
    and len(seniorities::varchar[]) = 0 and len(roles::varchar[]) = 0
    and len(sources::varchar[]) = 0;

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
          from technology_sets
          where kept(month, source, country, remote, seniority, role_family,
                     date_from, date_to, sources, countries, remotes, seniorities, roles)
            and not unfiltered(countries, remotes, seniorities, roles, sources)
            and names_any(technologies, chosen))
    union all
    select month, technology_a, technology_b, postings from technology_pairs_by_month
    where month between date_from and date_to
      and unfiltered(countries, remotes, seniorities, roles, sources)
      and list_contains(chosen::varchar[], technology_a);

-- Postings naming each technology per month (rollup_technologies without its dimensions).
create or replace macro technology_counts_in(date_from, date_to, countries, remotes,
                                             seniorities, roles, sources) as table
    select month, technology_id, postings from rollup_technologies
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles)
      and not unfiltered(countries, remotes, seniorities, roles, sources)
    union all
    select month, technology_id, postings from technologies_by_month
    where month between date_from and date_to
      and unfiltered(countries, remotes, seniorities, roles, sources);

create or replace macro us_states_in(date_from, date_to, countries, remotes, seniorities, roles,
                                     sources) as table
    select * from rollup_us_states
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro us_state_technologies_in(date_from, date_to, countries, remotes,
                                                 seniorities, roles, sources) as table
    select * from rollup_us_state_technologies
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

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
