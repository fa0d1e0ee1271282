-- What to learn next, given the technologies one knows ($technologies: ids): for every other
-- technology named under the filters, the criteria radar.rules scores it on. Postings in the
-- last 12 months of the range, in the 12 months before, and in the 12 months ending 24 months
-- before (null when the range does not reach back that far); postings naming it among those
-- naming any known technology; advertised pay (median and n, exact, from the pre-aggregated
-- (value, n) rows) beside the market's. Counts from the technology rollups and the cells'
-- technology sets (docs/scale.md), never the tags row by row.
-- $whole_upto and $dimension_upto (radar.queries binds them first, WHOLE_UPTO: whether the
-- build's whole-range pay quartiles, or those of one value of one dimension, answer these
-- filters; the dashboard's default view, or it narrowed to one country, one remote status,
-- ...): the medians are read there then (stored_quartiles), else computed.
with bounds as (
    select ($date_to::date - interval 11 month)::date as recent_start,
           ($date_to::date - interval 23 month)::date as prior12_start,
           ($date_to::date - interval 35 month)::date as prior24_start,
           ($date_to::date - interval 24 month)::date as prior24_end
),
kept as (
    select month, sum(postings) as postings
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
    group by month
),
-- Postings naming any known technology. Narrowed filters and several known technologies: the
-- cells' technology sets that hold one (known_sets). Otherwise (no dimension narrowed, or one
-- known technology; the pages' first views) from the month tables (technology_counts_in,
-- technology_pairs_in: a few row groups summed over the cells, where the sets are about a row
-- per posting at 10M), which count a posting once per known technology it names: the sets
-- naming two or more (overlap_sets, about 4% of them for four common languages) take back the
-- extra counts. A set naming m known technologies is counted m times there, once wanted.
-- $overlap_ids, $overlap_extra, $overlap_total: those extra counts made by the app (overlap).
-- $known_ids, $known_with, $known_total: with a dimension narrowed, what known_sets and the
-- sets' pairs give, counted by the app (radar/sets.py); null otherwise.
known_sets as materialized (
    select technologies, postings
    from technology_sets_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                            $sources)
    where len($technologies::varchar[]) <> 1
      and not unfiltered($countries, $remote, $seniority, $role_family, $sources)
      and names_any(technologies, $technologies)
      and $known_total::bigint is null
),
overlap_sets as materialized (
    select technologies, postings * (m - 1) as extra
    from (select technologies, postings,
                 names_count(technologies, list_distinct($technologies::varchar[])) as m
          from technology_sets_in($date_from, $date_to, $countries, $remote, $seniority,
                                  $role_family, $sources)
          where len(list_distinct($technologies::varchar[])) > 1
            and unfiltered($countries, $remote, $seniority, $role_family, $sources)
            and $overlap_total::bigint is null)
    where m > 1
),
-- What overlap_sets takes back, by technology. The app counts it in memory when it can
-- (radar/sets.py: $overlap_ids with $overlap_extra, and $overlap_total, about 22 ms where
-- reading the sets here takes 0.9 s at 10M postings); the parameters are null otherwise.
overlap as (
    select unnest(technologies) as technology_id, extra from overlap_sets
    union all
    select unnest($overlap_ids::varchar[]), unnest($overlap_extra::bigint[])
),
totals as (
    select coalesce(sum(postings) filter (where month >= recent_start), 0) as recent_total,
           coalesce(sum(postings) filter (where month >= prior12_start and month < recent_start),
                    0) as prior12_total,
           coalesce(sum(postings) filter (where month >= prior24_start and month <= prior24_end),
                    0) as prior24_total,
           (select coalesce(sum(postings), 0) from known_sets)
           + (select coalesce(sum(postings), 0)
              from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                                        $role_family, $sources)
              where (len($technologies::varchar[]) = 1
                     or unfiltered($countries, $remote, $seniority, $role_family, $sources))
                and list_contains(list_distinct($technologies::varchar[]), technology_id)
                and $known_total::bigint is null)
           - (select coalesce(sum(extra), 0) from overlap_sets)
           - coalesce($overlap_total::bigint, 0) + coalesce($known_total::bigint, 0)
           as known_total,
           min(month) <= any_value(prior12_start) as reaches_12,
           min(month) <= any_value(prior24_start) as reaches_24
    from kept, bounds
),
with_known as (
    select technology_id, sum(postings) as with_known
    from (select unnest(technologies) as technology_id, postings from known_sets
          union all
          select technology_b, postings
          from technology_pairs_in($date_from, $date_to, $countries, $remote, $seniority,
                                   $role_family, $sources,
                                   list_distinct($technologies::varchar[]))
          where (len($technologies::varchar[]) = 1
                 or unfiltered($countries, $remote, $seniority, $role_family, $sources))
            and $known_total::bigint is null
          union all
          select technology_id, -extra from overlap
          union all
          select unnest($known_ids::varchar[]), unnest($known_with::bigint[]))
    group by technology_id
),
counts as (
    select r.technology_id,
           coalesce(sum(postings) filter (where month >= recent_start), 0) as recent_postings,
           coalesce(sum(postings) filter (where month >= prior12_start and month < recent_start),
                    0) as prior12_postings,
           coalesce(sum(postings) filter (where month >= prior24_start and month <= prior24_end),
                    0) as prior24_postings,
           coalesce(any_value(k.with_known), 0) as with_known
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources) r
    cross join bounds left join with_known k using (technology_id)
    where not list_contains($technologies::varchar[], r.technology_id)
    group by r.technology_id
),
-- the technologies numbered (in id order, so every reference agrees): the running-count
-- windows partition by an integer
numbered as (
    select technology_id, (row_number() over (order by technology_id))::integer as g
    from technologies
),
-- the pay medians per technology, exactly, sorting only the values of the band (of 1,000
-- USD) that holds a technology's median (pay_band, holds_quantile: QUANTILE_MACROS in
-- etl/warehouse/rollups.py)
paid_values as (
    select t.g, s.salary_annual_usd as usd, s.n::double as n
    from salary_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                $role_family, $sources) s
    join numbered t using (technology_id)
    where not quartiles_stored($whole_upto, $dimension_upto)
),
paid_bands as (
    select g, band, n, sum(n) over (partition by g order by band) as upto,
           sum(n) over (partition by g) as total
    from (select g, pay_band(usd) as band, sum(n) as n from paid_values group by all)
),
paid_needed as (
    select g, band, upto - n as before, total from paid_bands
    where holds_quantile(upto, n, total, 0.5)
),
paid_ranked as (
    select v.g, v.usd, b.total,
           b.before + sum(v.n) over (partition by v.g, b.band order by v.usd) as upto
    from paid_values v join paid_needed b on b.g = v.g and b.band = pay_band(v.usd)
),
paid as (
    select t.technology_id, any_value(total) as paid_postings,
           weighted_quantile(usd, upto, total, 0.5) as paid_median
    from paid_ranked join numbered t using (g) group by t.technology_id
    union all
    select technology_id, postings, median
    from stored_quartiles($whole_upto, $dimension_upto, $countries, $remote, $seniority,
                          $role_family, $sources)
    where technology_id is not null
),
market_values as (
    select salary_annual_usd as usd, n::double as n
    from salary_values_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                          $sources)
    where not quartiles_stored($whole_upto, $dimension_upto)
),
market_bands as (
    select band, n, sum(n) over (order by band) as upto, sum(n) over () as total
    from (select pay_band(usd) as band, sum(n) as n from market_values group by all)
),
market_ranked as (
    select v.usd, b.total,
           b.upto - b.n + sum(v.n) over (partition by b.band order by v.usd) as upto
    from market_values v join market_bands b on b.band = pay_band(v.usd)
    where holds_quantile(b.upto, b.n, b.total, 0.5)
),
market as (
    select coalesce(any_value(total), 0) as market_paid,
           weighted_quantile(usd, upto, total, 0.5) as market_median
    from market_ranked
    having not quartiles_stored($whole_upto, $dimension_upto)
    union all
    -- one row always, as above (a value of a dimension may have no pay)
    select coalesce(any_value(postings), 0), any_value(median)
    from stored_quartiles($whole_upto, $dimension_upto, $countries, $remote, $seniority,
                          $role_family, $sources)
    where technology_id is null
    having quartiles_stored($whole_upto, $dimension_upto)
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
