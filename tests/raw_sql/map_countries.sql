-- Postings per country under the filters (every cell's rollup rows), and how many of them
-- name $map_technology ('' for none): the map's figures. Postings without a known country
-- are left out.
with totals as (
    select country, sum(postings) as postings
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where country is not null
    group by country
),
naming as (
    select country, sum(postings) as naming
    from technologies_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources)
    where country is not null and technology_id = $map_technology
    group by country
),
final as (
    select t.country, t.postings::bigint as postings, coalesce(n.naming, 0)::bigint as naming,
           coalesce(n.naming, 0) / t.postings as share
    from totals t left join naming n using (country)
)
select * from final order by postings desc, country
