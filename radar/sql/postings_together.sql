-- The postings under the filters that name $technology_id and one of $partners (any posting
-- naming $technology_id when $partners is empty), with the words and rule that matched it and
-- the partners they name: the postings behind a Stacks, Compare or Learn next figure.
-- How many match, and from which month on the latest $limit lie, comes from the cells'
-- technology sets; only those months of the tag index (sorted by technology and date) and of
-- the postings (sorted by date) are read (docs/scale.md).
-- Two statements: the first finds that month ($since) and the count ($matching), the second
-- opens only the month files from $since on (radar/queries.py: statements).
with sets as (
    select month, sum(postings) as postings
    from technology_sets_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                            $sources)
    where list_contains(technologies, $technology_id)
      and (len($partners::varchar[]) = 0 or list_has_any(technologies, $partners::varchar[]))
    group by month
)
-- the latest month from which on at least $limit postings match (all months when fewer)
select coalesce(max(month) filter (where later >= $limit), min(month)) as since,
       sum(postings) as matching
from (select *, sum(postings) over (order by month desc) as later from sets);

with main as (
    select posting_id, technology_id, name as technology, surface, rule
    from technology_postings_of_months($since, $date_to)
    where technology_id = $technology_id
      and posted_date between $since and last_day($date_to::date)
),
partners as (
    select posting_id, string_agg(distinct name || ' (“' || surface || '”)', ', ') as partners
    from technology_postings_of_months($since, $date_to)
    where list_contains($partners::varchar[], technology_id)
      and posted_date between $since and last_day($date_to::date)
    group by posting_id
),
kept as (
    select posting_id, posted_date, title, company, source, url, country, description
    from listings_in($since, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where posted_date >= $since
),
matched as (
    select k.*, m.technology_id, m.technology, m.surface, m.rule, p.partners
    from kept k join main m using (posting_id)
    left join partners p using (posting_id)
    where len($partners::varchar[]) = 0 or p.partners is not null
),
final as (
    select matched.*, $matching::bigint as matching from matched
)
select * from final order by posted_date desc, posting_id limit $limit
