-- Postings per source in the whole warehouse: count, first and last month, share with pay.
with per_source as (
    select source, count(*)::bigint as postings,
           min(posted_date) as first_date, max(posted_date) as last_date,
           count(salary_annual_usd) filter (where not salary_is_estimate)::bigint as with_salary,
           count(*) filter (where country is not null)::bigint as with_country
    from postings group by source
),
final as (
    select *, with_salary / postings as salary_share from per_source
)
select * from final order by postings desc
