-- Advertised annual pay in USD per technology of a category ($category, '' for all): quartiles
-- and the number of postings behind each (estimates and outliers excluded at build time).
-- Reads the pre-aggregated (value, n) rows; the quartiles are exact (weighted_quantile).
with cells as (
    select technology_id, salary_annual_usd as usd, sum(n)::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources)
    where $category = '' or category = $category
    group by all
),
ranked as (
    select *, sum(n) over (partition by technology_id order by usd) as upto,
           sum(n) over (partition by technology_id) as total
    from cells
),
final as (
    select technology_id, any_value(tech.name) as name, any_value(tech.category) as category,
           any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25,
           weighted_quantile(usd, upto, total, 0.5) as median,
           weighted_quantile(usd, upto, total, 0.75) as p75
    from ranked join technologies tech using (technology_id)
    group by technology_id
)
select * from final order by postings desc, technology_id
