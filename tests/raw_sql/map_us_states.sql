-- US postings per state under the filters, and how many name $map_technology: the state is read
-- from the posting's location text where the source gives one ("Austin, TX", "Seattle, WA,
-- United States"): a two-letter code after a comma that is one of $states. Postings without a
-- state are counted in the row whose state is null.
with us as (
    select posting_id,
           nullif(regexp_extract(location_raw, ',\s*([A-Z]{2})\b', 1), '') as code
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    where country = 'US'
),
placed as (
    select posting_id, case when list_contains($states::varchar[], code) then code end as state
    from us
),
naming as (
    select distinct posting_id from posting_technologies
    where technology_id = $map_technology
),
final as (
    select p.state, count(*)::bigint as postings, count(n.posting_id)::bigint as naming,
           count(n.posting_id) / count(*) as share
    from placed p left join naming n using (posting_id)
    group by p.state
)
select * from final order by postings desc, state nulls last
