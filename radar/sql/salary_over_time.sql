-- Advertised annual pay in USD per year: quartiles and n, for all postings under the filters
-- ($technologies empty) or per chosen technology. Reads the pre-aggregated (value, n) rows;
-- the quartiles are exact (weighted_quantile).
with cells as (
    select year(month) as year, 'all' as technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_values_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                          $sources)
    where len($technologies::varchar[]) = 0
    group by all
    union all
    select year(month) as year, technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources)
    where list_contains($technologies::varchar[], technology_id)
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
