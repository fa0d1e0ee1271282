-- Advertised annual pay in USD per year: quartiles and n, for all postings under the filters
-- ($technologies empty) or per chosen technology. Reads the pre-aggregated (value, n) rows;
-- the quartiles are exact (weighted_quantile). $whole_upto (radar.queries binds it first,
-- WHOLE_UPTO: whether the build's whole-range answers hold these filters; the dashboard's
-- default view): then the quartiles are read from pay_year_quartiles_whole
-- (etl/warehouse/rollups.py: made by these same steps), else computed here.
with cells as (
    select year, 'all' as technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_cells_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources, null)
    where len($technologies::varchar[]) = 0 and $whole_upto::date is null
    group by all
    union all
    select year, technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_technology_cells_in($date_from, $date_to, $countries, $remote, $seniority,
                                    $role_family, $sources, $technologies::varchar[], null)
    where $whole_upto::date is null
    group by all
),
-- a year's values (of a technology) are distinct, so the running count can take a ROWS frame
-- (DuckDB's cheapest)
ranked as (
    select *,
           sum(n) over (partition by year, technology_id order by usd
                        rows between unbounded preceding and current row) as upto,
           sum(n) over (partition by year, technology_id) as total
    from cells
),
final as (
    select year, technology_id, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25,
           weighted_quantile(usd, upto, total, 0.5) as median,
           weighted_quantile(usd, upto, total, 0.75) as p75
    from ranked group by all
    union all
    select year, coalesce(technology_id, 'all'), postings, p25, median, p75
    from pay_year_quartiles_whole
    where upto_month = $whole_upto::date
      and (list_contains($technologies::varchar[], technology_id)
           or (technology_id is null and len($technologies::varchar[]) = 0))
)
select * from final order by technology_id, year
