-- The postings behind one technology x month figure, with the words and rule that matched.
-- The month narrows the date range (a range of posted_date: row groups outside it are skipped).
with matched as (
    select l.posting_id, l.posted_date, l.title, l.company, l.source, l.url, l.country,
           l.description, t.technology_id, t.name as technology, t.surface, t.rule
    from listings_in(greatest($date_from::date, $month::date), least($date_to::date, $month::date),
                     $countries, $remote, $seniority, $role_family, $sources) l
    join posting_technologies t using (posting_id)
    where t.technology_id = $technology_id
),
final as (
    select * from matched
)
select * from final order by posted_date, posting_id limit $limit
