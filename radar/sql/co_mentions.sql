-- Technologies named in the same postings as each chosen one ($technologies: ids), per year under
-- the filters: postings naming both, naming the partner, naming the chosen one, and all postings
-- of the year. A partner is listed (in every year of the range, with zeros where it is absent)
-- when it shares at least one posting with the chosen one; lift and shares: radar.rules.
-- Read from the pre-aggregated pair and technology rollups (docs/scale.md).
with totals as (
    select year(month) as year, sum(postings) as total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    group by all
),
singles as (
    select year(month) as year, technology_id, sum(postings) as postings
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources)
    group by all
),
-- $pair_years, $pair_chosen, $pair_ids, $pair_postings: with a dimension narrowed, the pairs
-- per year counted by the app from the cells' sets in its memory (radar/sets.py: pair_counts,
-- what technology_pairs_in reads from technology_sets); null otherwise.
both_counts as (
    select year(month) as year, technology_a as chosen_id, technology_b as technology_id,
           sum(postings) as both_postings
    from technology_pairs_in($date_from, $date_to, $countries, $remote, $seniority,
                             $role_family, $sources, $technologies)
    where $pair_postings::bigint[] is null
    group by all
    union all
    select unnest($pair_years::bigint[]), unnest($pair_chosen::varchar[]),
           unnest($pair_ids::varchar[]), unnest($pair_postings::bigint[])
),
pairs as (
    select distinct chosen_id, technology_id from both_counts
),
final as (
    select totals.year, pairs.chosen_id, pairs.technology_id, tech.name, tech.category,
           coalesce(b.both_postings, 0)::bigint as both_postings,
           coalesce(p.postings, 0)::bigint as partner_postings,
           coalesce(c.postings, 0)::bigint as chosen_postings,
           totals.total::bigint as total
    from pairs cross join totals
    join technologies tech using (technology_id)
    left join singles p on p.year = totals.year and p.technology_id = pairs.technology_id
    left join singles c on c.year = totals.year and c.technology_id = pairs.chosen_id
    left join both_counts b on b.year = totals.year and b.chosen_id = pairs.chosen_id
                          and b.technology_id = pairs.technology_id
)
select * from final order by chosen_id, technology_id, year
