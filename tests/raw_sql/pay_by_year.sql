-- Advertised annual pay per year under the filters: quartiles in US dollars, and in the local
-- currency when $rates gives one rate per year (one country chosen; empty list: local is null).
-- Real terms are applied afterwards (radar.pay.real_terms): within a year every figure is
-- multiplied by the same CPI factor, so quantiles scale exactly.
with rates as (
    select unnest($rates::struct(country varchar, year integer, units double)[], recursive := true)
),
paid as (
    select year(s.month) as year, s.salary_annual_usd as usd,
           s.salary_annual_usd * r.units as local_pay
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    left join rates r on r.country = s.country and r.year = year(s.month)
),
final as (
    select year, count(*)::bigint as postings,
           quantile_cont(usd, 0.25) as p25_usd, quantile_cont(usd, 0.5) as median_usd,
           quantile_cont(usd, 0.75) as p75_usd,
           quantile_cont(local_pay, 0.25) as p25_local,
           quantile_cont(local_pay, 0.5) as median_local,
           quantile_cont(local_pay, 0.75) as p75_local
    from paid group by year
)
select * from final order by year
