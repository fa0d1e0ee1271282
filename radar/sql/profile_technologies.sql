-- Role profile: of the postings under the filters, the share naming any technology of each
-- category in $categories (technology_id null) and the share naming each technology.
-- Shares count postings, not mentions: a posting naming Go and Rust counts once for languages.
with kept as (
    select posting_id
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
total as (
    select count(*) as total from kept
),
named as (
    select t.category, t.technology_id, t.posting_id
    from posting_technologies t semi join kept using (posting_id)
    where list_contains($categories::varchar[], t.category)
),
counts as (
    select category, null::varchar as technology_id, count(distinct posting_id) as postings
    from named group by category
    union all
    select category, technology_id, count(distinct posting_id) as postings
    from named group by category, technology_id
),
final as (
    select c.category, c.technology_id, tech.name, c.postings::bigint as postings,
           total.total::bigint as total, c.postings / nullif(total.total, 0) as share
    from counts c cross join total
    left join technologies tech using (technology_id)
)
select * from final order by category, technology_id nulls first, postings desc
