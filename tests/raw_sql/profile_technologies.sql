-- Role profile: of the postings under the filters (every cell's rollup rows), the share naming
-- any technology of each category in $categories (technology_id null) and the share naming each
-- technology. Shares count postings, not mentions: a posting naming Go and Rust counts once for
-- languages (the build's rollup_categories counts distinct postings per category and cell).
with total as (
    select coalesce(sum(postings), 0) as total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
counts as (
    select category, null::varchar as technology_id, sum(postings) as postings
    from categories_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                       $sources)
    where list_contains($categories::varchar[], category)
    group by category
    union all
    select category, technology_id, sum(postings) as postings
    from technologies_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources)
    where list_contains($categories::varchar[], category)
    group by category, technology_id
),
final as (
    select c.category, c.technology_id, tech.name, c.postings::bigint as postings,
           total.total::bigint as total, c.postings / nullif(total.total, 0) as share
    from counts c cross join total
    left join technologies tech using (technology_id)
)
select * from final order by category, technology_id nulls first, postings desc
