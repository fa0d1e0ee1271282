-- Role profile requirements: postings under the filters by the lowest degree asked for (with
-- "or equivalent experience" apart) and by the minimum years of experience asked for, in bands.
-- Needs the requirement columns (degree, degree_equivalent, min_years_experience); the caller
-- checks they exist before running it.
with kept as (
    select degree, degree_equivalent, min_years_experience as years
    from listings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
degrees as (
    select 'degree' as field,
           case when degree is null then 'not extracted'
                when degree = 'none_stated' then 'none stated'
                when degree_equivalent then degree || ' or equivalent'
                else degree end as value,
           count(*)::bigint as postings
    from kept group by all
),
years as (
    select 'years' as field,
           case when years is null then 'not stated'
                when years <= 1 then '0-1'
                when years <= 2 then '2'
                when years <= 4 then '3-4'
                when years <= 6 then '5-6'
                when years <= 9 then '7-9'
                else '10+' end as value,
           count(*)::bigint as postings
    from kept group by all
),
final as (
    select *, postings / sum(postings) over (partition by field) as share
    from (select * from degrees union all select * from years)
)
select * from final order by field, value
