-- Role profile headline: postings under the filters, how many are remote / hybrid / on-site /
-- unknown, and how many advertise pay (with the pooled USD median and quartiles).
with counts as (
    select coalesce(sum(postings), 0)::bigint as postings,
           coalesce(sum(postings) filter (where remote = 'remote'), 0)::bigint as remote,
           coalesce(sum(postings) filter (where remote = 'hybrid'), 0)::bigint as hybrid,
           coalesce(sum(postings) filter (where remote = 'onsite'), 0)::bigint as onsite,
           coalesce(sum(postings) filter (where remote = 'unknown'), 0)::bigint as remote_unknown
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
pay as (
    select count(*)::bigint as with_pay,
           quantile_cont(salary_annual_usd, 0.25) as p25_usd,
           quantile_cont(salary_annual_usd, 0.5) as median_usd,
           quantile_cont(salary_annual_usd, 0.75) as p75_usd
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
final as (
    select * from counts, pay
)
select * from final
