-- The postings behind one technology x month figure, with the words and rule that matched.
with matched as (
    select l.posting_id, l.posted_date, l.title, l.company, l.source, l.url, l.country,
           l.description, t.technology_id, t.name as technology, t.surface, t.rule
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                     $sources) l
    join posting_technologies t using (posting_id)
    where t.technology_id = $technology_id and l.month = $month::date
),
final as (
    select * from matched
)
select * from final order by posted_date, posting_id limit $limit
