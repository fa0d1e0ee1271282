-- What to learn next, given the technologies one knows ($technologies: ids): for every other
-- technology named under the filters, the criteria radar.rules scores it on. Postings in the
-- last 12 months of the range, in the 12 months before, and in the 12 months ending 24 months
-- before (null when the range does not reach back that far); postings naming it among those
-- naming any known technology; advertised pay (median and n) beside the market's.
with bounds as (
    select ($date_to::date - interval 11 month)::date as recent_start,
           ($date_to::date - interval 23 month)::date as prior12_start,
           ($date_to::date - interval 35 month)::date as prior24_start,
           ($date_to::date - interval 24 month)::date as prior24_end
),
kept as (
    select posting_id, month
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
tagged as (
    select distinct k.posting_id, k.month, t.technology_id
    from kept k join posting_technologies t using (posting_id)
),
known as (
    select distinct posting_id from tagged
    where list_contains($technologies::varchar[], technology_id)
),
totals as (
    select count(*) filter (where month >= recent_start) as recent_total,
           count(*) filter (where month >= prior12_start and month < recent_start)
               as prior12_total,
           count(*) filter (where month >= prior24_start and month <= prior24_end)
               as prior24_total,
           (select count(*) from known) as known_total,
           min(month) <= any_value(prior12_start) as reaches_12,
           min(month) <= any_value(prior24_start) as reaches_24
    from kept, bounds
),
counts as (
    select t.technology_id,
           count(*) filter (where month >= recent_start) as recent_postings,
           count(*) filter (where month >= prior12_start and month < recent_start)
               as prior12_postings,
           count(*) filter (where month >= prior24_start and month <= prior24_end)
               as prior24_postings,
           count(k.posting_id) as with_known
    from tagged t cross join bounds left join known k using (posting_id)
    where not list_contains($technologies::varchar[], t.technology_id)
    group by t.technology_id
),
paid as (
    select t.technology_id, count(*) as paid_postings,
           median(s.salary_annual_usd) as paid_median
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources) s
    join posting_technologies t using (posting_id)
    group by t.technology_id
),
market as (
    select count(*) as market_paid, median(salary_annual_usd) as market_median
    from salaries_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
final as (
    select c.technology_id, tech.name, tech.category,
           c.recent_postings::bigint as recent_postings, totals.recent_total::bigint as recent_total,
           case when totals.reaches_12 then c.prior12_postings end::bigint as prior12_postings,
           case when totals.reaches_12 then totals.prior12_total end::bigint as prior12_total,
           case when totals.reaches_24 then c.prior24_postings end::bigint as prior24_postings,
           case when totals.reaches_24 then totals.prior24_total end::bigint as prior24_total,
           c.with_known::bigint as with_known, totals.known_total::bigint as known_total,
           coalesce(paid.paid_postings, 0)::bigint as paid_postings, paid.paid_median,
           market.market_paid::bigint as market_paid, market.market_median
    from counts c join technologies tech using (technology_id)
    cross join totals cross join market
    left join paid using (technology_id)
)
select * from final order by recent_postings desc, technology_id
