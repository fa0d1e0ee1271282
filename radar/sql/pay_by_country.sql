-- Advertised annual pay per country under the filters, in US dollars and in the country's own
-- currency ($rates: one {country, year, units} row per country and year, units of the country's
-- currency per US dollar). Each posting is converted at its own year's rate, so a country's
-- figures are exact in its currency for postings advertised in it. Postings without a known
-- country are left out; a row with country null is every country pooled (USD only). Reads the
-- pre-aggregated (value, n) rows; the quartiles are exact (weighted_quantile). $whole_upto
-- (radar.queries binds it first, WHOLE_UPTO: whether the build's whole-range sums answer these
-- filters; the dashboard's default view) picks the rows salary_cells_in reads.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
cells as (
    select country, year, salary_annual_usd as usd, sum(n)::double as n
    from salary_cells_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources, $whole_upto)
    where country is not null
    group by all
),
valued as (
    select c.country, c.usd, c.usd * r.units as local_pay, c.n
    from cells c left join rates r on r.country = c.country and r.year = c.year
),
usd as (
    select country, usd, sum(n) as n from valued group by all
    union all
    select null as country, usd, sum(n) as n from valued group by usd
),
usd_ranked as (
    select *, sum(n) over (partition by country order by usd) as upto,
           sum(n) over (partition by country) as total
    from usd
),
usd_quartiles as (
    select country, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from usd_ranked where country is not null group by country
    union all
    select null as country, coalesce(any_value(total), 0)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from usd_ranked where country is null
),
local_values as (
    select country, local_pay, sum(n) as n from valued where local_pay is not null group by all
),
local_ranked as (
    select *, sum(n) over (partition by country order by local_pay) as upto,
           sum(n) over (partition by country) as total
    from local_values
),
local_quartiles as (
    select country, weighted_quantile(local_pay, upto, total, 0.25) as p25_local,
           weighted_quantile(local_pay, upto, total, 0.5) as median_local,
           weighted_quantile(local_pay, upto, total, 0.75) as p75_local
    from local_ranked group by country
),
final as (
    select u.*, l.p25_local, l.median_local, l.p75_local
    from usd_quartiles u left join local_quartiles l using (country)
)
select * from final order by country nulls first
