-- Advertised annual pay per year under the filters: quartiles in US dollars, and in the local
-- currency when $rates gives one rate per year (one country chosen; empty list: local is null).
-- Real terms are applied afterwards (radar.pay.real_terms): within a year every figure is
-- multiplied by the same CPI factor, so quantiles scale exactly. Reads the pre-aggregated
-- (value, n) rows; the quartiles are exact (weighted_quantile). $whole_upto (radar.queries
-- binds it first, WHOLE_UPTO: whether the build's whole-range answers hold these filters; the
-- dashboard's default view): then the quartiles in US dollars are read from
-- pay_year_quartiles_whole (etl/warehouse/rollups.py), and the cells (salary_cells_in) only
-- for local figures.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
cells as (
    select year, country, salary_annual_usd as usd, sum(n)::double as n
    from salary_cells_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources, $whole_upto)
    where $whole_upto::date is null or len($rates::struct(country varchar, year integer,
                                                          units double)[]) > 0
    group by all
),
valued as (
    select c.year, c.usd, c.usd * r.units as local_pay, c.n
    from cells c left join rates r on r.country = c.country and r.year = c.year
),
usd as (
    select year, usd, sum(n) as n from valued where $whole_upto::date is null group by all
),
usd_ranked as (
    select *, sum(n) over (partition by year order by usd) as upto,
           sum(n) over (partition by year) as total
    from usd
),
usd_quartiles as (
    select year, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from usd_ranked group by year
    union all
    select year, postings, p25, median, p75 from pay_year_quartiles_whole
    where upto_month = $whole_upto::date and technology_id is null
),
local_values as (
    select year, local_pay, sum(n) as n from valued where local_pay is not null group by all
),
local_ranked as (
    select *, sum(n) over (partition by year order by local_pay) as upto,
           sum(n) over (partition by year) as total
    from local_values
),
local_quartiles as (
    select year, weighted_quantile(local_pay, upto, total, 0.25) as p25_local,
           weighted_quantile(local_pay, upto, total, 0.5) as median_local,
           weighted_quantile(local_pay, upto, total, 0.75) as p75_local
    from local_ranked group by year
),
final as (
    select u.*, l.p25_local, l.median_local, l.p75_local
    from usd_quartiles u left join local_quartiles l using (year)
)
select * from final order by year
