-- Stack Overflow survey comparison (not postings): share of back-end developers in the latest
-- survey year who worked with each technology of a category ($category, '' for all), and their
-- median yearly pay in USD; narrowed to the chosen countries when there are any.
with backend as (
    select year, respondent_id, comp_usd
    from survey_respondents
    where is_backend
      and (len($countries::varchar[]) = 0 or list_contains($countries::varchar[], country))
),
latest as (
    select max(year) as year from backend
),
base as (
    select backend.* from backend join latest using (year)
),
totals as (
    select count(*) as respondents from base
),
used as (
    select t.technology_id, count(distinct b.respondent_id) as users,
           median(b.comp_usd) as median_pay, count(b.comp_usd) as paid_respondents
    from base b join survey_technologies t using (year, respondent_id)
    where $category = '' or t.category = $category
    group by t.technology_id
),
final as (
    select (select year from latest) as year, used.technology_id,
           coalesce(tech.name, used.technology_id) as name, used.users::bigint as users,
           totals.respondents::bigint as respondents,
           used.users / nullif(totals.respondents, 0) as share, used.median_pay,
           used.paid_respondents::bigint as paid_respondents
    from used cross join totals left join technologies tech using (technology_id)
)
select * from final order by users desc, technology_id
