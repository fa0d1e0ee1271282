-- Advertised annual pay per country under the filters, in US dollars and in the country's own
-- currency ($rates: one {country, year, units} row per country and year, units of the country's
-- currency per US dollar). Each posting is converted at its own year's rate, so a country's
-- figures are exact in its currency for postings advertised in it. Postings without a known
-- country are left out; a row with country null is every country pooled (USD only).
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
paid as (
    select s.country, s.salary_annual_usd as usd, s.salary_annual_usd * r.units as local_pay
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    left join rates r on r.country = s.country and r.year = year(s.month)
    where s.country is not null
),
final as (
    select country, count(*)::bigint as postings,
           quantile_cont(usd, 0.25) as p25_usd, quantile_cont(usd, 0.5) as median_usd,
           quantile_cont(usd, 0.75) as p75_usd,
           case when country is null then null else quantile_cont(local_pay, 0.25) end as p25_local,
           case when country is null then null else quantile_cont(local_pay, 0.5) end
               as median_local,
           case when country is null then null else quantile_cont(local_pay, 0.75) end as p75_local
    from paid
    group by grouping sets ((country), ())
)
select * from final order by country nulls first
