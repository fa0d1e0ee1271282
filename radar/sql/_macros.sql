-- Filter macros shared by every named query. Loaded once per connection by radar.queries.
-- An empty list means "no narrowing" for that dimension.
create or replace macro kept(month, source, country, remote, seniority, role_family,
                             date_from, date_to, sources, countries, remotes, seniorities, roles) as
    month between date_from and date_to
    and (len(sources::varchar[]) = 0 or list_contains(sources::varchar[], source))
    and (len(countries::varchar[]) = 0 or list_contains(countries::varchar[], country))
    and (len(remotes::varchar[]) = 0 or list_contains(remotes::varchar[], remote))
    and (len(seniorities::varchar[]) = 0 or list_contains(seniorities::varchar[], seniority))
    and (len(roles::varchar[]) = 0 or list_contains(roles::varchar[], role_family));

create or replace macro postings_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select * from rollup_postings
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro technologies_in(date_from, date_to, countries, remotes, seniorities, roles,
                                        sources) as table
    select r.*, t.name, t.category, t.parent
    from rollup_technologies r join technologies t using (technology_id)
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro categories_in(date_from, date_to, countries, remotes, seniorities, roles,
                                      sources) as table
    select * from rollup_categories
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro salaries_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select * from salaries
    where kept(month, source, country, remote, seniority, role_family,
               date_from, date_to, sources, countries, remotes, seniorities, roles);

create or replace macro listings_in(date_from, date_to, countries, remotes, seniorities, roles,
                                    sources) as table
    select date_trunc('month', posted_date)::date as month, *
    from postings
    where kept(date_trunc('month', posted_date)::date, source, country, remote, seniority,
               role_family, date_from, date_to, sources, countries, remotes, seniorities, roles);
