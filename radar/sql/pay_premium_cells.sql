-- Pay premium cells: for each chosen technology ($technologies) and each cell of country x
-- seniority x year, the advertised annual pay (USD) of postings that name the technology and of
-- those that do not: n, median and the distribution-free 95% confidence interval of the median
-- (order statistics at ranks n/2 -/+ 0.98 sqrt(n), the normal approximation to the binomial).
-- radar.pay.premium weighs the cells; postings without a known country are left out.
-- Reads the pre-aggregated (value, n) rows: postings not naming a technology at a value are
-- all postings at it less those naming it; medians and order statistics are exact. The cells
-- and technologies are numbered first, so the joins and the running-count window work on one
-- integer key (a window partitioned by five text columns costs about three times as much).
-- $whole_upto (radar.queries binds it first, WHOLE_UPTO: whether the build's whole-range
-- answers hold these filters; the dashboard's default view): then the cells are read from
-- pay_premium_whole (etl/warehouse/rollups.py: made by these same steps over every
-- technology), else computed here.
with chosen as (
    select technology_id, (row_number() over ())::integer as t
    from (select distinct unnest($technologies::varchar[]) as technology_id)
),
-- computed only when no answer is kept (whole_upto null); salary_cells_in and
-- salary_technology_cells_in give one row per cell and value (and technology)
everyone_values as (
    select country, seniority, year, salary_annual_usd as usd, n::double as n
    from salary_cells_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources, null)
    where country is not null and $whole_upto::date is null
),
cell_ids as (
    select country, seniority, year, (row_number() over ())::integer as cell
    from (select distinct country, seniority, year from everyone_values)
),
everyone as (
    select c.cell, e.usd, e.n
    from everyone_values e join cell_ids c using (country, seniority, year)
),
naming as (
    select ch.t, c.cell, s.salary_annual_usd as usd, s.n::double as n
    from salary_technology_cells_in($date_from, $date_to, $countries, $remote, $seniority,
                                    $role_family, $sources, $technologies::varchar[], null) s
    join chosen ch using (technology_id)
    join cell_ids c on c.country = s.country and c.seniority = s.seniority
                   and c.year = s.year
    where $whole_upto::date is null
),
cells as (
    select ch.t, e.cell, e.usd, coalesce(w.n, 0) as n_with, e.n - coalesce(w.n, 0) as n_without
    from everyone e cross join chosen ch
    left join naming w on w.t = ch.t and w.cell = e.cell and w.usd = e.usd
),
sides as (
    -- one integer per technology x cell x side: ((cell - 1) x technologies + t - 1) x 2 + side
    select ((cell::bigint - 1) * (select count(*) from chosen) + t - 1) * 2 + 1 as part, usd,
           n_with as n
    from cells where n_with > 0
    union all
    select ((cell::bigint - 1) * (select count(*) from chosen) + t - 1) * 2 as part, usd,
           n_without as n
    from cells where n_without > 0
),
-- a part's values are distinct, so the running count can take a ROWS frame (DuckDB's
-- cheapest)
ranked as (
    select *,
           sum(n) over (partition by part order by usd
                        rows between unbounded preceding and current row) as upto,
           sum(n) over (partition by part)::bigint as total
    from sides
),
bounded as (
    select part, part // 2 % (select count(*) from chosen) + 1 as t,
           part // 2 // (select count(*) from chosen) + 1 as cell, any_value(total) as n,
           weighted_quantile(usd, upto, total, 0.5) as median,
           value_at_rank(usd, upto, premium_low_rank(total)) as low,
           value_at_rank(usd, upto, premium_high_rank(total)) as high
    from ranked group by part
),
final as (
    select ch.technology_id, c.country, c.seniority, c.year,
           w.n as n_with, w.median as median_with, w.low as low_with, w.high as high_with,
           o.n as n_without, o.median as median_without, o.low as low_without,
           o.high as high_without
    from bounded w join bounded o on o.part = w.part - 1
    join chosen ch on ch.t = w.t
    join cell_ids c on c.cell = w.cell
    where w.part % 2 = 1
    union all
    select technology_id, country, seniority, year, n_with, median_with, low_with, high_with,
           n_without, median_without, low_without, high_without
    from pay_premium_whole
    where upto_month = $whole_upto::date
      and list_contains($technologies::varchar[], technology_id)
)
select * from final order by technology_id, country, seniority, year
