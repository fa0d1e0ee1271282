-- The postings behind one technology x month figure, with the words and rule that matched.
-- The month narrows the date range; both the tags (technology_postings: sorted by technology
-- and date) and the postings (sorted by date) are read by a range of posted_date, so only the
-- row groups of that technology and month are read, from that month's files only.
with tagged as (
    select posting_id, technology_id, name as technology, surface, rule
    from technology_postings_of_months(greatest($date_from::date, $month::date),
                                       least($date_to::date, $month::date))
    where technology_id = $technology_id
      and posted_date between greatest($date_from::date, $month::date)
                          and last_day(least($date_to::date, $month::date))
),
matched as (
    select l.posting_id, l.posted_date, l.title, l.company, l.source, l.url, l.country,
           l.description, t.technology_id, t.technology, t.surface, t.rule
    from listings_in(greatest($date_from::date, $month::date),
                     least($date_to::date, $month::date),
                     $countries, $remote, $seniority, $role_family, $sources) l
    join tagged t using (posting_id)
),
final as (
    select * from matched
)
select * from final order by posted_date, posting_id limit $limit
