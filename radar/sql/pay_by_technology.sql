-- Advertised annual pay per technology of a category ($category, '' for all): quartiles in US
-- dollars and, through $rates (see pay_by_country.sql), in the local currency: the page shows
-- the local figures when one country is chosen. Reads the pre-aggregated (value, n) rows; the
-- quartiles are exact (weighted_quantile over the bands that hold their ranks: holds_quantile,
-- QUANTILE_MACROS in etl/warehouse/rollups.py). The technologies are numbered first: the
-- running-count windows partition by an integer.
-- $whole_upto and $dimension_upto (radar.queries binds them first, WHOLE_UPTO: whether the
-- build's whole-range quartiles, or those of one value of one dimension, answer these
-- filters; the dashboard's default view, or it narrowed to one remote status, seniority, ...,
-- where the page asks for no local figures: $rates empty): the quartiles are read there then
-- (stored_quartiles), else computed.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
numbered as (
    select technology_id, name, category, (row_number() over ())::integer as g
    from technologies
    where $category = '' or category = $category
),
valued as (
    select t.g, s.salary_annual_usd as usd, s.salary_annual_usd * r.units as local_pay,
           s.n::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources) s
    join numbered t using (technology_id)
    left join rates r on r.country = s.country and r.year = year(s.month)
    where ($category = '' or s.category = $category)
      and not (quartiles_stored($whole_upto, $dimension_upto) and len($rates) = 0)
),
-- the quartiles sort only the values of the bands that hold their ranks (pay_band: 1,000
-- US dollars, or local units)
usd_bands as (
    select g, band, n, sum(n) over (partition by g order by band) as upto,
           sum(n) over (partition by g) as total
    from (select g, pay_band(usd) as band, sum(n) as n from valued group by all)
),
usd_ranked as (
    select v.g, v.usd, b.total,
           b.upto - b.n + sum(v.n) over (partition by v.g, b.band order by v.usd) as upto
    from valued v join usd_bands b on b.g = v.g and b.band = pay_band(v.usd)
    where holds_quantile(b.upto, b.n, b.total, 0.25) or holds_quantile(b.upto, b.n, b.total, 0.5)
       or holds_quantile(b.upto, b.n, b.total, 0.75)
),
usd_quartiles as (
    select g, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from usd_ranked group by g
    union all
    select t.g, w.postings, w.p25, w.median, w.p75
    from stored_quartiles($whole_upto, $dimension_upto, $countries, $remote, $seniority,
                          $role_family, $sources) w
    join numbered t using (technology_id)
    where len($rates) = 0 and ($category = '' or w.category = $category)
),
local_bands as (
    select g, band, n, sum(n) over (partition by g order by band) as upto,
           sum(n) over (partition by g) as total
    from (select g, pay_band(local_pay) as band, sum(n) as n from valued
          where local_pay is not null group by all)
),
local_ranked as (
    select v.g, v.local_pay, b.total,
           b.upto - b.n + sum(v.n) over (partition by v.g, b.band order by v.local_pay) as upto
    from valued v join local_bands b on b.g = v.g and b.band = pay_band(v.local_pay)
    where holds_quantile(b.upto, b.n, b.total, 0.25) or holds_quantile(b.upto, b.n, b.total, 0.5)
       or holds_quantile(b.upto, b.n, b.total, 0.75)
),
local_quartiles as (
    select g, weighted_quantile(local_pay, upto, total, 0.25) as p25_local,
           weighted_quantile(local_pay, upto, total, 0.5) as median_local,
           weighted_quantile(local_pay, upto, total, 0.75) as p75_local
    from local_ranked group by g
),
final as (
    select t.technology_id, t.name, t.category, u.postings, u.p25_usd, u.median_usd,
           u.p75_usd, l.p25_local, l.median_local, l.p75_local
    from usd_quartiles u join numbered t using (g)
    left join local_quartiles l using (g)
)
select * from final order by postings desc, technology_id
