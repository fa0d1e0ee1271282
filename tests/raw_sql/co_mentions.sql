-- Technologies named in the same postings as each chosen one ($technologies: ids), per year under
-- the filters: postings naming both, naming the partner, naming the chosen one, and all postings
-- of the year. A partner is listed (in every year of the range, with zeros where it is absent)
-- when it shares at least one posting with the chosen one; lift and shares: radar.rules.
with kept as (
    select posting_id, year(month) as year
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
tagged as (
    select distinct k.posting_id, k.year, t.technology_id
    from kept k join posting_technologies t using (posting_id)
),
totals as (
    select year, count(*) as total from kept group by year
),
chosen as (
    select posting_id, year, technology_id as chosen_id
    from tagged where list_contains($technologies::varchar[], technology_id)
),
chosen_counts as (
    select year, chosen_id, count(*) as chosen_postings from chosen group by all
),
partner_counts as (
    select year, technology_id, count(*) as partner_postings from tagged group by all
),
both_counts as (
    select c.year, c.chosen_id, t.technology_id, count(*) as both_postings
    from chosen c join tagged t using (posting_id, year)
    where t.technology_id <> c.chosen_id
    group by all
),
pairs as (
    select distinct chosen_id, technology_id from both_counts
),
final as (
    select totals.year, pairs.chosen_id, pairs.technology_id, tech.name, tech.category,
           coalesce(b.both_postings, 0)::bigint as both_postings,
           coalesce(p.partner_postings, 0)::bigint as partner_postings,
           coalesce(c.chosen_postings, 0)::bigint as chosen_postings,
           totals.total::bigint as total
    from pairs cross join totals
    join technologies tech using (technology_id)
    left join partner_counts p on p.year = totals.year and p.technology_id = pairs.technology_id
    left join chosen_counts c on c.year = totals.year and c.chosen_id = pairs.chosen_id
    left join both_counts b on b.year = totals.year and b.chosen_id = pairs.chosen_id
                          and b.technology_id = pairs.technology_id
)
select * from final order by chosen_id, technology_id, year
