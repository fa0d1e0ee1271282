-- US postings per state under the filters, and how many name $map_technology: the state is read
-- from the posting's location text where the source gives one ("Austin, TX", "Seattle, WA,
-- United States"): a two-letter code after a comma that is one of $states. Postings without a
-- state are counted in the row whose state is null. Read from the per-state rollups (the code
-- is extracted by the build, etl/warehouse/rollups.py; docs/scale.md).
-- Each code's rows are summed first: the test against $states then runs once a code, not
-- once a row (over every cell's rows at 10M postings it was most of the query's time).
with totals as (
    select case when list_contains($states::varchar[], code) then code end as state,
           sum(postings) as postings
    from (select code, sum(postings) as postings
          from us_states_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                            $sources)
          group by code)
    group by all
),
naming as (
    select case when list_contains($states::varchar[], code) then code end as state,
           sum(postings) as naming
    from (select code, sum(postings) as postings
          from us_state_technologies_in($date_from, $date_to, $countries, $remote, $seniority,
                                        $role_family, $sources)
          where technology_id = $map_technology
          group by code)
    group by all
),
final as (
    select t.state, t.postings::bigint as postings, coalesce(n.naming, 0)::bigint as naming,
           coalesce(n.naming, 0) / t.postings as share
    from totals t left join naming n on n.state is not distinct from t.state
)
select * from final order by postings desc, state nulls last
