-- Role profile: of the postings under the filters, the share naming any technology of each
-- category in $categories (technology_id null) and the share naming each technology. Shares
-- count postings, not mentions: a posting naming Go and Rust counts once for languages (the
-- build's rollup_categories counts distinct postings per category and cell). With no dimension
-- filtered the counts come from the tables summed over the cells (_macros.sql:
-- category_counts_in, technology_counts_in).
with total as (
    select coalesce(sum(postings), 0) as total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
counts as (
    select category, null::varchar as technology_id, sum(postings) as postings
    from category_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                            $role_family, $sources)
    where list_contains($categories::varchar[], category)
    group by category
    union all
    select t.category, c.technology_id, sum(c.postings) as postings
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources) c
    join technologies t using (technology_id)
    where list_contains($categories::varchar[], t.category)
    group by t.category, c.technology_id
),
final as (
    select c.category, c.technology_id, tech.name, c.postings::bigint as postings,
           total.total::bigint as total, c.postings / nullif(total.total, 0) as share
    from counts c cross join total
    left join technologies tech using (technology_id)
)
select * from final order by category, technology_id nulls first, postings desc
