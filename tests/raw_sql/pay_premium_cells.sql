-- Pay premium cells: for each chosen technology ($technologies) and each cell of country x
-- seniority x year, the advertised annual pay (USD) of postings that name the technology and of
-- those that do not: n, median and the distribution-free 95% confidence interval of the median
-- (order statistics at ranks n/2 -/+ 0.98 sqrt(n), the normal approximation to the binomial).
-- radar.pay.premium weighs the cells; postings without a known country are left out.
with chosen as (
    select unnest($technologies::varchar[]) as technology_id
),
paid as (
    select posting_id, country, seniority, year(month) as year, salary_annual_usd as usd
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where country is not null
),
named as (
    select distinct t.posting_id, t.technology_id
    from posting_technologies t
    semi join paid using (posting_id)
    semi join chosen using (technology_id)
),
flagged as (
    select c.technology_id, p.country, p.seniority, p.year, p.usd,
           n.posting_id is not null as names_it
    from paid p cross join chosen c
    left join named n on n.posting_id = p.posting_id and n.technology_id = c.technology_id
),
groups as (
    select technology_id, country, seniority, year, names_it, count(*)::bigint as n,
           quantile_cont(usd, 0.5) as median, list_sort(list(usd)) as sorted
    from flagged group by all
),
bounded as (
    select technology_id, country, seniority, year, names_it, n, median,
           sorted[greatest(1, floor(n / 2 - 0.98 * sqrt(n))::bigint)] as low,
           sorted[least(n, ceil(n / 2 + 1 + 0.98 * sqrt(n))::bigint)] as high
    from groups
),
final as (
    select w.technology_id, w.country, w.seniority, w.year,
           w.n as n_with, w.median as median_with, w.low as low_with, w.high as high_with,
           o.n as n_without, o.median as median_without, o.low as low_without,
           o.high as high_without
    from bounded w join bounded o
      on w.technology_id = o.technology_id and w.country = o.country
     and w.seniority = o.seniority and w.year = o.year
    where w.names_it and not o.names_it
)
select * from final order by technology_id, country, seniority, year
