-- Advertised annual pay per technology of a category ($category, '' for all): quartiles in US
-- dollars and, through $rates (see pay_by_country.sql), in the local currency: the page shows
-- the local figures when one country is chosen. Reads the pre-aggregated (value, n) rows; the
-- quartiles are exact (weighted_quantile). The technologies are numbered first: the
-- running-count windows partition by an integer.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
numbered as (
    select technology_id, name, category, (row_number() over ())::integer as g
    from technologies
    where $category = '' or category = $category
),
cells as (
    select t.g, year(s.month) as year, s.country, s.salary_annual_usd as usd,
           sum(s.n)::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources) s
    join numbered t using (technology_id)
    where $category = '' or s.category = $category
    group by all
),
valued as (
    select c.g, c.usd, c.usd * r.units as local_pay, c.n
    from cells c left join rates r on r.country = c.country and r.year = c.year
),
usd as (
    select g, usd, sum(n) as n from valued group by all
),
usd_ranked as (
    select *, sum(n) over (partition by g order by usd) as upto,
           sum(n) over (partition by g) as total
    from usd
),
usd_quartiles as (
    select g, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25_usd,
           weighted_quantile(usd, upto, total, 0.5) as median_usd,
           weighted_quantile(usd, upto, total, 0.75) as p75_usd
    from usd_ranked group by g
),
local_values as (
    select g, local_pay, sum(n) as n
    from valued where local_pay is not null group by all
),
local_ranked as (
    select *, sum(n) over (partition by g order by local_pay) as upto,
           sum(n) over (partition by g) as total
    from local_values
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
