-- Pairs among the chosen technologies ($technologies: ids) under the filters: postings naming
-- both, naming each, and all postings; for the market-wide heat map (lift in radar.rules).
with kept as (
    select posting_id
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
tagged as (
    select distinct posting_id, technology_id
    from kept join posting_technologies using (posting_id)
    where list_contains($technologies::varchar[], technology_id)
),
totals as (
    select count(*) as total from kept
),
singles as (
    select technology_id, count(*) as postings from tagged group by all
),
pairs as (
    select a.technology_id as technology_a, b.technology_id as technology_b,
           count(*) as both_postings
    from tagged a join tagged b using (posting_id)
    where a.technology_id < b.technology_id
    group by all
),
final as (
    select p.technology_a, ta.name as name_a, p.technology_b, tb.name as name_b,
           p.both_postings::bigint as both_postings, sa.postings::bigint as postings_a,
           sb.postings::bigint as postings_b, totals.total::bigint as total
    from pairs p cross join totals
    join singles sa on sa.technology_id = p.technology_a
    join singles sb on sb.technology_id = p.technology_b
    join technologies ta on ta.technology_id = p.technology_a
    join technologies tb on tb.technology_id = p.technology_b
)
select * from final order by technology_a, technology_b
