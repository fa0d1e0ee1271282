-- Technologies that appear in at least one posting, most mentioned first.
with counts as (
    select technology_id, sum(postings) as postings from rollup_technologies group by all
),
final as (
    select t.technology_id, t.name, t.category, t.parent, c.postings
    from technologies t join counts c using (technology_id)
)
select * from final order by postings desc, technology_id
