-- The values each sidebar filter can take, from the whole warehouse. Months outside the
-- plausible posting dates ($earliest to $latest) are never offered, even if a warehouse built
-- by an older or foreign pipeline holds them (a 9999-12-31 or year-1 posting).
with months as (
    select min(month) as first_month, max(month) as last_month from rollup_postings
    where month between $earliest and $latest
),
countries as (
    select coalesce(list(distinct country order by country), []) as countries
    from rollup_postings where country is not null
),
sources as (
    select list(distinct source order by source) as sources from rollup_postings
),
final as (
    select * from months, countries, sources
)
select * from final
