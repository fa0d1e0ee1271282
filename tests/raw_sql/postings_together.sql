-- The postings under the filters that name $technology_id and one of $partners (any posting
-- naming $technology_id when $partners is empty), with the words and rule that matched it and
-- the partners they name: the postings behind a Stacks, Compare or Learn next figure.
with kept as (
    select posting_id, posted_date, title, company, source, url, country, description
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
main as (
    select posting_id, technology_id, name as technology, surface, rule
    from posting_technologies where technology_id = $technology_id
),
partners as (
    select posting_id, string_agg(distinct name || ' (“' || surface || '”)', ', '
                                   order by name || ' (“' || surface || '”)') as partners
    from posting_technologies
    where list_contains($partners::varchar[], technology_id)
    group by posting_id
),
matched as (
    select k.*, m.technology_id, m.technology, m.surface, m.rule, p.partners
    from kept k join main m using (posting_id)
    left join partners p using (posting_id)
    where len($partners::varchar[]) = 0 or p.partners is not null
),
final as (
    select *, count(*) over () as matching from matched
)
select * from final order by posted_date desc, posting_id limit $limit
