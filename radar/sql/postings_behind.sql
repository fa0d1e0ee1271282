-- The postings behind one technology x month figure, with the words and rule that matched.
-- The month narrows the date range. The $limit postings listed are picked from the tag index
-- (technology_postings: sorted by technology and date, with each posting's filter dimensions),
-- a row group or two; only those postings' texts are then read from postings (sorted by date).
with picked as (
    select posting_id, posted_date, technology_id, name as technology, surface, rule
    from tags_in([$technology_id], greatest($date_from::date, $month::date),
                 last_day(least($date_to::date, $month::date)),
                 greatest($date_from::date, $month::date), least($date_to::date, $month::date),
                 $countries, $remote, $seniority, $role_family, $sources)
    order by posted_date, posting_id limit $limit
),
matched as (
    select p.posting_id, p.posted_date, p.title, p.company, p.source, p.url, p.country,
           p.description, t.technology_id, t.technology, t.surface, t.rule
    from postings p join picked t using (posting_id)
    where p.posted_date between (select min(posted_date) from picked)
                            and (select max(posted_date) from picked)
),
final as (
    select * from matched
)
select * from final order by posted_date, posting_id
