-- Advertised annual pay in USD per year: quartiles and n, for all postings under the filters
-- ($technologies empty) or per chosen technology. Reads the pre-aggregated (value, n) rows;
-- the quartiles are exact (weighted_quantile). Two statements: the first finds whether the
-- build's whole-range sums answer these filters (_macros.sql: whole_pay_upto,
-- salary_cells_in; the dashboard's default view).
select whole_pay_upto($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                      $sources) as whole_upto;
with cells as (
    select year, 'all' as technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_cells_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources, $whole_upto)
    where len($technologies::varchar[]) = 0
    group by all
    union all
    select year, technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_technology_cells_in($date_from, $date_to, $countries, $remote, $seniority,
                                    $role_family, $sources, $technologies::varchar[],
                                    $whole_upto)
    group by all
),
ranked as (
    select *, sum(n) over (partition by year, technology_id order by usd) as upto,
           sum(n) over (partition by year, technology_id) as total
    from cells
),
final as (
    select year, technology_id, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25,
           weighted_quantile(usd, upto, total, 0.5) as median,
           weighted_quantile(usd, upto, total, 0.75) as p75
    from ranked group by all
)
select * from final order by technology_id, year
