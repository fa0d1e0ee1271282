-- The columns the postings table has in this warehouse (pages check for optional ones, such as
-- the requirement columns, before querying them).
select column_name from information_schema.columns where table_name = 'postings'
order by ordinal_position
