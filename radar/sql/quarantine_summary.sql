-- Rows refused by the build, by source and reason.
with final as (
    select source, reason, count(*)::bigint as rows, any_value(file) as example_file,
           any_value("row") as example_row
    from quarantine group by source, reason
)
select * from final order by rows desc, source
