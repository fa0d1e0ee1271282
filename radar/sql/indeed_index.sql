-- Indeed Hiring Lab job postings index (2020-02-01 = 100; an index, not counts of postings):
-- the Software Development sector and all postings, per country, within the date range.
with series as (
    select date, country,
           coalesce(sector, 'All sectors') || ' (' || country || ')' as series,
           index_value
    from indeed_index
    where variable = 'total postings'
      and (sector is null or sector = 'Software Development')
      and date between $date_from and last_day($date_to)
      and (len($countries::varchar[]) = 0 or list_contains($countries::varchar[], country))
),
final as (
    select * from series
)
select * from final order by series, date
