-- Advertised annual pay in USD per technology of a category ($category, '' for all): quartiles
-- and the number of postings behind each (estimates and outliers excluded at build time).
-- Reads the pre-aggregated (value, n) rows; the quartiles are exact (weighted_quantile). The
-- technologies are numbered first: the running-count window partitions by an integer.
-- $whole_upto and $dimension_upto (radar.queries binds them first, WHOLE_UPTO: whether the
-- build's whole-range quartiles, or those of one value of one dimension, answer these filters;
-- the dashboard's default view, or it narrowed to one country, one remote status, ...): they
-- are read there then (stored_quartiles), else computed.
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
    where ($category = '' or s.category = $category)
      and not quartiles_stored($whole_upto, $dimension_upto)
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
stored as (
    select t.g, w.postings, w.p25, w.median, w.p75
    from stored_quartiles($whole_upto, $dimension_upto, $countries, $remote, $seniority,
                          $role_family, $sources) w
    join numbered t using (technology_id)
    where $category = '' or w.category = $category
),
final as (
    select t.technology_id, t.name, t.category, q.postings, q.p25, q.median, q.p75
    from (select * from quartiles union all select * from stored) q join numbered t using (g)
)
select * from final order by postings desc, technology_id
