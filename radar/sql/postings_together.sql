-- The postings under the filters that name $technology_id and one of $partners (any posting
-- naming $technology_id when $partners is empty), with the words and rule that matched it and
-- the partners they name: the postings behind a Stacks, Compare or Learn next figure.
-- How many match, and from which month on the latest $limit lie, comes from the cells'
-- technology sets; only those months of the tag index (sorted by technology and date) and of
-- the postings (sorted by date) are read (docs/scale.md).
-- Two statements: the first finds that month ($since) and the count ($matching), the second
-- opens only the month files from $since on (radar/queries.py: statements).
-- With no narrowing and at most one partner (the pages' links), the months' counts come from
-- the per-technology and pair month tables (a few row groups) instead of the sets (about a
-- row per posting at 10M).
with sets as (
    select month, sum(postings) as postings
    from (select month, postings
          from technology_sets_in($date_from, $date_to, $countries, $remote, $seniority,
                                  $role_family, $sources)
          where not (unfiltered($countries, $remote, $seniority, $role_family, $sources)
                     and len($partners::varchar[]) <= 1)
            and $together_postings::bigint[] is null
            and list_contains(technologies, $technology_id)
            and (len($partners::varchar[]) = 0 or names_any(technologies, $partners))
          union all
          -- the same counted by the app from the sets in its memory (radar/sets.py:
          -- together_counts); null when it does not
          select unnest($together_months::date[]), unnest($together_postings::bigint[])
          union all
          -- no partner, or the technology itself (a pair is of two technologies)
          select month, postings from technologies_by_month
          where month between $date_from and $date_to
            and unfiltered($countries, $remote, $seniority, $role_family, $sources)
            and (len($partners::varchar[]) = 0
                 or $partners::varchar[] = [$technology_id]::varchar[])
            and technology_id = $technology_id
          union all
          select month, postings from technology_pairs_by_month
          where month between $date_from and $date_to
            and unfiltered($countries, $remote, $seniority, $role_family, $sources)
            and len($partners::varchar[]) = 1 and technology_a = $technology_id
            and technology_b = ($partners::varchar[])[1])
    group by month
)
-- the latest month from which on at least $limit postings match (all months when fewer)
select coalesce(max(month) filter (where later >= $limit), min(month)) as since,
       sum(postings) as matching
from (select *, sum(postings) over (order by month desc) as later from sets);

with main as (
    select posting_id, posted_date, technology_id, name as technology, surface, rule
    from technology_postings_of_months($since, $date_to)
    where technology_id = $technology_id
      and posted_date between $since and last_day($date_to::date)
),
partner_tags as (
    select posting_id, name, surface
    from technology_postings_of_months($since, $date_to)
    where list_contains($partners::varchar[], technology_id)
      and posted_date between $since and last_day($date_to::date)
),
-- the postings under the filters (read only when a dimension is narrowed)
kept as (
    select posting_id
    from listings_in($since, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where posted_date >= $since
),
-- the tagged postings under the filters: no dimension narrowed, every one (the branch the
-- bound parameters do not take is dropped)
matched as (
    select * from main
    where unfiltered($countries, $remote, $seniority, $role_family, $sources)
    union all
    select * from main
    where not unfiltered($countries, $remote, $seniority, $role_family, $sources)
      and posting_id in (select posting_id from kept)
),
-- the postings shown found on the tags' ids and dates alone, then their texts read for those
-- (reading every description of the months cost about 40 ms of a month's 86,570 at 10M)
shown_ids as materialized (
    select posting_id, posted_date, technology_id, technology, surface, rule
    from matched
    where len($partners::varchar[]) = 0
       or posting_id in (select posting_id from partner_tags)
    order by posted_date desc, posting_id limit $limit
),
shown as materialized (
    select s.posting_id, s.posted_date, p.title, p.company, p.source, p.url, p.country,
           p.description, s.technology_id, s.technology, s.surface, s.rule
    from shown_ids s
    join postings_of_months($since, $date_to) p using (posting_id)
    where p.posted_date >= (select min(posted_date) from shown_ids)
),
-- the partners each posting names, for the postings shown only
partners as (
    select posting_id, string_agg(distinct name || ' (“' || surface || '”)', ', '
                                   order by name || ' (“' || surface || '”)') as partners
    from partner_tags
    where posting_id in (select posting_id from shown)
    group by posting_id
),
final as (
    select shown.*, p.partners, $matching::bigint as matching
    from shown left join partners p using (posting_id)
)
select * from final order by posted_date desc, posting_id limit $limit
