-- Advertised annual pay per technology of a category ($category, '' for all): quartiles in US
-- dollars and, through $rates (see pay_by_country.sql), in the local currency: the page shows
-- the local figures when one country is chosen.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
paid as (
    select t.technology_id, s.salary_annual_usd as usd, s.salary_annual_usd * r.units as local_pay
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    join posting_technologies t using (posting_id)
    left join rates r on r.country = s.country and r.year = year(s.month)
    where $category = '' or t.category = $category
),
final as (
    select technology_id, any_value(tech.name) as name, any_value(tech.category) as category,
           count(*)::bigint as postings,
           quantile_cont(usd, 0.25) as p25_usd, quantile_cont(usd, 0.5) as median_usd,
           quantile_cont(usd, 0.75) as p75_usd,
           quantile_cont(local_pay, 0.25) as p25_local, quantile_cont(local_pay, 0.5) as median_local,
           quantile_cont(local_pay, 0.75) as p75_local
    from paid join technologies tech using (technology_id)
    group by technology_id
)
select * from final order by postings desc, technology_id
