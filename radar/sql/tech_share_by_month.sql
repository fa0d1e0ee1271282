-- Share of postings mentioning each chosen technology, per month ($technologies: ids).
with totals as (
    select month, sum(postings) as total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    group by month
),
chosen as (
    select technology_id, name, category
    from technologies where list_contains($technologies::varchar[], technology_id)
),
counts as (
    select month, technology_id, sum(postings) as postings
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources)
    where list_contains($technologies::varchar[], technology_id)
    group by all
),
final as (
    select totals.month, chosen.technology_id, chosen.name, chosen.category,
           coalesce(counts.postings, 0)::bigint as postings, totals.total::bigint as total,
           coalesce(counts.postings, 0) / totals.total as share
    from totals cross join chosen
    left join counts on counts.month = totals.month
                    and counts.technology_id = chosen.technology_id
)
select * from final order by month, technology_id
