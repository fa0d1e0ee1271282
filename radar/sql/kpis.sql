-- Headline numbers under the filters: postings, months covered, postings with advertised pay.
with posting_counts as (
    select coalesce(sum(postings), 0)::bigint as postings, count(distinct month) as months,
           count(distinct source) as sources, count(distinct country) as countries
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources)
),
salary_counts as (
    select coalesce(sum(n), 0)::bigint as with_salary
    from salary_values_in($date_from, $date_to, $countries, $remote, $seniority, $role_family,
                          $sources)
),
final as (
    select * from posting_counts, salary_counts
)
select * from final
