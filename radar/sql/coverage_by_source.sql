-- Postings per source in the whole warehouse: count, first and last month, share with pay.
-- Read from the per-source monthly rollup (etl/warehouse/rollups.py).
with per_source as (
    select source, sum(postings)::bigint as postings,
           min(first_date) as first_date, max(last_date) as last_date,
           sum(with_salary)::bigint as with_salary, sum(with_country)::bigint as with_country
    from rollup_sources group by source
),
final as (
    select *, with_salary / postings as salary_share from per_source
)
select * from final order by postings desc
