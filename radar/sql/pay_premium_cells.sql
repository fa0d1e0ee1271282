-- Pay premium cells: for each chosen technology ($technologies) and each cell of country x
-- seniority x year, the advertised annual pay (USD) of postings that name the technology and of
-- those that do not: n, median and the distribution-free 95% confidence interval of the median
-- (order statistics at ranks n/2 -/+ 0.98 sqrt(n), the normal approximation to the binomial).
-- radar.pay.premium weighs the cells; postings without a known country are left out.
-- Reads the pre-aggregated (value, n) rows: postings not naming a technology at a value are
-- all postings at it less those naming it; medians and order statistics are exact.
with chosen as (
    select distinct unnest($technologies::varchar[]) as technology_id
),
everyone as (
    select country, seniority, year(month) as year, salary_annual_usd as usd, sum(n)::double as n
    from salary_values_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                          $sources)
    where country is not null
    group by all
),
naming as (
    select technology_id, country, seniority, year(month) as year, salary_annual_usd as usd,
           sum(n)::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources)
    semi join chosen using (technology_id)
    where country is not null
    group by all
),
cells as (
    select c.technology_id, e.country, e.seniority, e.year, e.usd,
           coalesce(w.n, 0) as n_with, e.n - coalesce(w.n, 0) as n_without
    from everyone e cross join chosen c
    left join naming w on w.technology_id = c.technology_id and w.country = e.country
                      and w.seniority = e.seniority and w.year = e.year and w.usd = e.usd
),
sides as (
    select technology_id, country, seniority, year, true as names_it, usd, n_with as n
    from cells where n_with > 0
    union all
    select technology_id, country, seniority, year, false as names_it, usd, n_without as n
    from cells where n_without > 0
),
ranked as (
    select *,
           sum(n) over (partition by technology_id, country, seniority, year, names_it
                        order by usd) as upto,
           sum(n) over (partition by technology_id, country, seniority, year, names_it)::bigint
               as total
    from sides
),
bounded as (
    select technology_id, country, seniority, year, names_it, any_value(total) as n,
           weighted_quantile(usd, upto, total, 0.5) as median,
           value_at_rank(usd, upto,
                         greatest(1, floor(total / 2 - 0.98 * sqrt(total))::bigint) - 1) as low,
           value_at_rank(usd, upto,
                         least(total, ceil(total / 2 + 1 + 0.98 * sqrt(total))::bigint) - 1)
               as high
    from ranked group by all
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
