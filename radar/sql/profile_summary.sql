-- Role profile headline: postings under the filters, how many are remote / hybrid / on-site /
-- unknown, and how many advertise pay (with the pooled USD median and quartiles, exact, from the
-- pre-aggregated (value, n) rows).
with counts as (
    select coalesce(sum(postings), 0)::bigint as postings,
           coalesce(sum(postings) filter (where remote = 'remote'), 0)::bigint as remote,
           coalesce(sum(postings) filter (where remote = 'hybrid'), 0)::bigint as hybrid,
           coalesce(sum(postings) filter (where remote = 'onsite'), 0)::bigint as onsite,
           coalesce(sum(postings) filter (where remote = 'unknown'), 0)::bigint as remote_unknown
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
usd as (
    select salary_annual_usd as usd, sum(n)::double as n
    from salary_values_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                          $sources)
    group by all
),
ranked as (
    select *, sum(n) over (order by usd) as upto, sum(n) over () as total from usd
),
pay as (
    select coalesce(any_value(total), 0)::bigint as with_pay,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from ranked
),
final as (
    select * from counts, pay
)
select * from final
