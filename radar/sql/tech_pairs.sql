-- Pairs among the chosen technologies ($technologies: ids) under the filters: postings naming
-- both, naming each, and all postings; for the market-wide heat map (lift in radar.rules).
-- Read from the pre-aggregated pair and technology rollups (docs/scale.md).
with totals as (
    select coalesce(sum(postings), 0) as total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
singles as (
    select technology_id, sum(postings) as postings
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources)
    where list_contains($technologies::varchar[], technology_id)
    group by all
),
-- $pair_chosen, $pair_ids, $pair_postings (and $pair_years): with a dimension narrowed, the
-- pairs counted by the app from the cells' sets in its memory (radar/sets.py: pair_counts, what
-- technology_pairs_in reads from technology_sets); null otherwise.
pairs as (
    select technology_a, technology_b, sum(postings) as both_postings
    from (select technology_a, technology_b, postings
          from technology_pairs_in($date_from, $date_to, $countries, $remote, $seniority,
                                   $role_family, $sources, $technologies)
          where $pair_postings::bigint[] is null
          union all
          select unnest($pair_chosen::varchar[]), unnest($pair_ids::varchar[]),
                 unnest($pair_postings::bigint[]))
    where list_contains($technologies::varchar[], technology_b) and technology_a < technology_b
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
