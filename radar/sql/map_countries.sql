-- Postings per country under the filters, and how many of them name $map_technology ('' for none):
-- the map's figures. Postings without a known country are left out.
with totals as (
    select country, sum(postings) as postings
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where country is not null
    group by country
),
-- with no dimension filtered the technology's counts per country come from the table summed
-- over the other dimensions and ordered by technology (a few row groups, not every cell's rows)
naming as (
    select country, sum(postings) as naming
    from technologies_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                         $sources)
    where country is not null and technology_id = $map_technology
      and not unfiltered($countries, $remote, $seniority, $role_family, $sources)
    group by country
    union all
    select country, sum(postings) as naming
    from technology_countries_by_month
    where month between $date_from and $date_to and technology_id = $map_technology
      and unfiltered($countries, $remote, $seniority, $role_family, $sources)
    group by country
),
final as (
    select t.country, t.postings::bigint as postings, coalesce(n.naming, 0)::bigint as naming,
           coalesce(n.naming, 0) / t.postings as share
    from totals t left join naming n using (country)
)
select * from final order by postings desc, country
