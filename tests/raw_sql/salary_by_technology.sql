-- Advertised annual pay in USD per technology of a category ($category, '' for all): quartiles
-- and the number of postings behind each (estimates and outliers excluded at build time).
with paid as (
    select s.posting_id, s.salary_annual_usd, t.technology_id
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    join posting_technologies t using (posting_id)
    where $category = '' or t.category = $category
),
final as (
    select technology_id, any_value(tech.name) as name, any_value(tech.category) as category,
           count(*)::bigint as postings,
           quantile_cont(salary_annual_usd, 0.25) as p25,
           quantile_cont(salary_annual_usd, 0.5) as median,
           quantile_cont(salary_annual_usd, 0.75) as p75
    from paid join technologies tech using (technology_id)
    group by technology_id
)
select * from final order by postings desc, technology_id
