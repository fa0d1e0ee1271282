-- The postings behind one technology x month figure, with the words and rule that matched.
-- The month narrows the date range; both the tags (technology_postings: sorted by technology
-- and date) and the postings (sorted by date) are read by a range of posted_date, so only the
-- row groups of that technology and month are read, from that month's files only. The postings
-- shown are found on the tags' ids and dates (and, with a dimension narrowed, the postings'
-- dimensions), then only their texts are read: every description of a month is about 40 ms at
-- 10M.
with tagged as (
    select posting_id, posted_date, technology_id, name as technology, surface, rule
    from technology_postings_of_months(greatest($date_from::date, $month::date),
                                       least($date_to::date, $month::date))
    where technology_id = $technology_id
      and posted_date between greatest($date_from::date, $month::date)
                          and last_day(least($date_to::date, $month::date))
),
-- the postings under the filters (read only when a dimension is narrowed)
kept as (
    select posting_id
    from listings_in(greatest($date_from::date, $month::date),
                     least($date_to::date, $month::date),
                     $countries, $remote, $seniority, $role_family, $sources)
),
-- no dimension narrowed: every tagged posting (the branch the bound parameters do not take is
-- dropped)
matched as (
    select * from tagged
    where unfiltered($countries, $remote, $seniority, $role_family, $sources)
    union all
    select * from tagged
    where not unfiltered($countries, $remote, $seniority, $role_family, $sources)
      and posting_id in (select posting_id from kept)
),
shown_ids as materialized (
    select * from matched order by posted_date, posting_id limit $limit
),
final as (
    select s.posting_id, s.posted_date, p.title, p.company, p.source, p.url, p.country,
           p.description, s.technology_id, s.technology, s.surface, s.rule
    from shown_ids s
    join postings_of_months(greatest($date_from::date, $month::date),
                            least($date_to::date, $month::date)) p using (posting_id)
    where p.posted_date <= (select max(posted_date) from shown_ids)
)
select * from final order by posted_date, posting_id limit $limit
