-- The tables and columns of this warehouse (pages check for optional ones, such as the
-- requirement columns or a rollup newer than the build, before querying them).
select table_name, column_name from information_schema.columns
order by table_name, ordinal_position
