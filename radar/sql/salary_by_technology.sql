-- Advertised annual pay in USD per technology of a category ($category, '' for all): quartiles
-- and the number of postings behind each (estimates and outliers excluded at build time).
-- Reads the pre-aggregated (value, n) rows; the quartiles are exact (weighted_quantile). The
-- technologies are numbered first: the running-count window partitions by an integer.
with numbered as (
    select technology_id, name, category, (row_number() over ())::integer as g
    from technologies
    where $category = '' or category = $category
),
cells as (
    select t.g, s.salary_annual_usd as usd, sum(s.n)::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources) s
    join numbered t using (technology_id)
    where $category = '' or s.category = $category
    group by all
),
ranked as (
    select *, sum(n) over (partition by g order by usd) as upto,
           sum(n) over (partition by g) as total
    from cells
),
quartiles as (
    select g, any_value(total)::bigint as postings,
           weighted_quantile(usd, upto, total, 0.25) as p25,
           weighted_quantile(usd, upto, total, 0.5) as median,
           weighted_quantile(usd, upto, total, 0.75) as p75
    from ranked group by g
),
final as (
    select t.technology_id, t.name, t.category, q.postings, q.p25, q.median, q.p75
    from quartiles q join numbered t using (g)
)
select * from final order by postings desc, technology_id
