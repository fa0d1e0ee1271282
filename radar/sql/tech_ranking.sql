-- Technologies of a category ($category, '' for all) ranked by postings under the filters, with
-- the share over the last 12 months of the range and the change from the 12 months before.
with bounds as (
    select $date_to::date as end_month,
           ($date_to::date - interval 11 month)::date as recent_start,
           ($date_to::date - interval 23 month)::date as prior_start
),
totals as (
    select sum(postings) as all_total,
           sum(postings) filter (where month >= recent_start) as recent_total,
           sum(postings) filter (where month >= prior_start and month < recent_start)
               as prior_total
    from postings_in($date_from, $date_to, $countries, $remote, $seniority, $role_family, $sources),
         bounds
),
counts as (
    select technology_id,
           sum(postings) as all_n,
           coalesce(sum(postings) filter (where month >= recent_start), 0) as recent_n,
           coalesce(sum(postings) filter (where month >= prior_start and month < recent_start), 0)
               as prior_n
    from technology_counts_in($date_from, $date_to, $countries, $remote, $seniority,
                              $role_family, $sources)
    join technologies using (technology_id), bounds
    where $category = '' or category = $category
    group by technology_id
),
final as (
    select t.technology_id, t.name, t.category, t.parent,
           c.all_n::bigint as postings,
           c.all_n / nullif(totals.all_total, 0) as share,
           c.recent_n::bigint as recent_postings,
           c.recent_n / nullif(totals.recent_total, 0) as share_recent,
           c.prior_n::bigint as prior_postings,
           c.prior_n / nullif(totals.prior_total, 0) as share_prior,
           100 * (c.recent_n / nullif(totals.recent_total, 0)
                  - c.prior_n / nullif(totals.prior_total, 0)) as change_pp
    from counts c join technologies t using (technology_id) cross join totals
)
select * from final order by postings desc, technology_id
