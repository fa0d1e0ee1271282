-- Postings per month under the filters.
with final as (
    select month, sum(postings)::bigint as postings
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    group by month
)
select * from final order by month
