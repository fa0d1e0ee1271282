-- Role profile headline: postings under the filters, how many are remote / hybrid / on-site /
-- unknown, and how many advertise pay (with the pooled USD median and quartiles, exact, from the
-- pre-aggregated (value, n) rows). $whole_upto and $dimension_upto (radar.queries binds them
-- first, WHOLE_UPTO: whether the build's whole-range market quartiles, or those of one value
-- of one dimension, answer these filters; the dashboard's default view, or it narrowed to one
-- country, one remote status, ...): they are read there then (stored_quartiles), else
-- computed.
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
    where not quartiles_stored($whole_upto, $dimension_upto)
    group by all
),
ranked as (
    select *, sum(n) over (order by usd) as upto, sum(n) over () as total from usd
),
computed as (
    select coalesce(any_value(total), 0)::bigint as with_pay,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from ranked
),
pay as (
    select * from computed where not quartiles_stored($whole_upto, $dimension_upto)
    union all
    -- one row always, as computed (a value of a dimension may have no pay)
    select coalesce(any_value(postings), 0)::bigint as with_pay, any_value(p25) as p25_usd,
           any_value(median) as median_usd, any_value(p75) as p75_usd
    from stored_quartiles($whole_upto, $dimension_upto, $countries, $remote, $seniority,
                          $role_family, $sources)
    where technology_id is null
    having quartiles_stored($whole_upto, $dimension_upto)
),
final as (
    select * from counts, pay
)
select * from final
