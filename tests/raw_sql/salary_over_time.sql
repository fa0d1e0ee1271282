-- Advertised annual pay in USD per year: quartiles and n, for all postings under the filters
-- ($technologies empty) or per chosen technology.
with paid as (
    select year(s.month) as year, s.salary_annual_usd, 'all' as technology_id
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    where len($technologies::varchar[]) = 0
    union all
    select year(s.month) as year, s.salary_annual_usd, t.technology_id
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    join posting_technologies t using (posting_id)
    where list_contains($technologies::varchar[], t.technology_id)
),
final as (
    select year, technology_id, count(*)::bigint as postings,
           quantile_cont(salary_annual_usd, 0.25) as p25,
           quantile_cont(salary_annual_usd, 0.5) as median,
           quantile_cont(salary_annual_usd, 0.75) as p75
    from paid group by all
)
select * from final order by technology_id, year
