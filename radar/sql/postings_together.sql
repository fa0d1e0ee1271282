-- The postings under the filters that name $technology_id and one of $partners (any posting
-- naming $technology_id when $partners is empty), with the words and rule that matched it and
-- the partners they name: the postings behind a Stacks, Compare or Learn next figure.
-- How many match, and from which month on the latest $limit lie, comes from the cells'
-- technology sets; the $limit postings are picked from those months of the tag index (sorted
-- by technology and date, with each posting's filter dimensions), and only their texts are
-- read from the postings (docs/scale.md).
with sets as (
    select month, sum(postings) as postings
    from technology_sets_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                            $sources)
    where list_contains(technologies, $technology_id)
      and (len($partners::varchar[]) = 0 or list_has_any(technologies, $partners::varchar[]))
    group by month
),
window_start as (
    -- the latest month from which on at least $limit postings match (all months when fewer)
    select coalesce(max(month) filter (where later >= $limit), min(month)) as since,
           sum(postings) as matching
    from (select *, sum(postings) over (order by month desc) as later from sets)
),
main as (
    select posting_id, posted_date, technology_id, name as technology, surface, rule
    from tags_in([$technology_id], (select since from window_start), last_day($date_to::date),
                 $date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
partners as (
    select posting_id, string_agg(distinct name || ' (“' || surface || '”)', ', ') as partners
    from tags_in($partners, (select since from window_start), last_day($date_to::date),
                 $date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    group by posting_id
),
picked as (
    select m.*, p.partners
    from main m left join partners p using (posting_id)
    where len($partners::varchar[]) = 0 or p.partners is not null
    order by posted_date desc, posting_id limit $limit
),
matched as (
    select k.posting_id, k.posted_date, k.title, k.company, k.source, k.url, k.country,
           k.description, m.technology_id, m.technology, m.surface, m.rule, m.partners
    from postings k join picked m using (posting_id)
    where k.posted_date between (select min(posted_date) from picked)
                            and (select max(posted_date) from picked)
),
final as (
    select matched.*, (select matching from window_start)::bigint as matching from matched
)
select * from final order by posted_date desc, posting_id
