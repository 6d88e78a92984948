import MailTLSStore

/// The SQLite functions that the report queries of `Queries/` use, defined on PostgreSQL with the
/// same names, arguments and results, so that one query file serves both stores (docs/reports.md,
/// "PostgreSQL"). Only the forms the queries use are there:
///
/// - `unixepoch(time)`: Unix seconds of an ISO time or date (`2026-03-01`, `2026-03-01T08:00:00Z`,
///   `2026-03-01 08:00:00+01:00`; no zone is UTC), as SQLite's `unixepoch()`.
/// - `date(time)`, `date(seconds, 'unixepoch' [, tz [, 'weekday 0', '-6 days']])`, `date(day, 'weekday 0',
///   '-6 days')`: a `YYYY-MM-DD` day; `tz` is `'localtime'` (the session's `TimeZone`, which the reporter
///   sets from `TZ`) or anything else for UTC (the queries pass `'+0 days'`); the weekday pair gives the
///   Monday on or before the day.
/// - `strftime(format, seconds, 'unixepoch' [, tz])` for the formats `%Y-%m-%dT%H:%M:%SZ`, `%Y-%m-%d`,
///   `%Y-%m` and `%H`.
/// - `glob(pattern, value)`: SQLite's `value GLOB pattern` (case-sensitive; `*`, `?` and `[…]`).
/// - `max(a, b)`, `min(a, b)`: SQLite's scalar forms (NULL when either is NULL), beside the aggregates;
///   `instr(text, part)`: the 1-based place of `part` in `text`, 0 when absent.
/// - `json_group_array(value)`, `json_group_object(key, value)` (`[]` and `{}` when there is no row, where
///   PostgreSQL's json_agg gives NULL), `json_set(object, '$.key', value)` (adds the key last), `json_extract(doc, '$.a.b')` of a number;
///   `sqlite_real(numeric)`: a number as SQLite's JSON writes a real (`1.0`, `0.7308`), for rates.
/// - `group_concat(value, separator)`: SQLite's aggregate (the values in the order they come, NULLs
///   left out), for which PostgreSQL has `string_agg`.
///
/// They are plain SQL functions, which the planner inlines; every role may call them. Those called once per
/// row are not STRICT: PostgreSQL does not inline a strict function that leaves a parameter unused (the
/// `'unixepoch'` marker), and one call through the SQL function executor per row made `strftime` 20 times
/// slower than its body (2.3 s against 0.11 s over 252,521 rows). A NULL time gives NULL all the same. The migration also
/// adds partial indexes on `mta <> 0`: the summary asks whether other MTAs' rows are there, and reads
/// their figures, without a scan. (SQLite's store v5 puts `mta` in its B-tree ts indexes instead; the
/// ts indexes here are BRIN, which cannot.)
///
/// Version 6: the main line's PostgreSQL schema has a version 5 of its own (BRIN indexes on ts), merged
/// beside this one; versions need not be consecutive (`PostgresStore` applies those above the store's).
enum PostgresReportFunctions {
    static let migration = PostgresSchema.Migration(
        version: 6, name: "v6: SQLite's date, time, glob and JSON functions for the shared report queries; mta indexes",
        statements: statements + CompactRows.tables.map { "CREATE INDEX \($0.base)_mta ON \($0.base)(mta) WHERE mta <> 0" })

    /// Version 7: the report functions a filter calls are planned once per query, not run per row.
    ///
    /// - `unixepoch(text)` is IMMUTABLE, so the planner computes a report's time bounds
    ///   (`ts >= coalesce(unixepoch(:since), …)`) when it plans the query. As STABLE it was evaluated again
    ///   for every row the BRIN index on ts (migration 5) hands back for rechecking: a regular expression
    ///   and a time parse per row, `rates --since … --until …` 0.85 s against 0.13 s on the 200 MiB store
    ///   (docs/fleet.md, "Latency"). A B-tree index scan rechecks no row, which is why the time filters
    ///   were fast before migration 5. IMMUTABLE holds for what the reports pass: ISO dates and times
    ///   (`TimeBound` writes them), with or without a zone, read alike under any `TimeZone` or `DateStyle`.
    ///   PostgreSQL's special inputs (`'now'`, `'today'`) would be fixed when a query is planned, which
    ///   for the reports' one-shot statements is when they run.
    /// - `glob(pattern, value)` is an equality when the pattern has no wildcard (`--host mx1`: an index
    ///   lookup in `texts` instead of a regular expression over its 60,583 values), a LIKE when it has only
    ///   `*` and `?` (about 5 times faster than the regular expression), and the regular expression only
    ///   for `[…]`. The pattern is a parameter, so the planner keeps one arm; not STRICT, so it is still
    ///   inlined (PostgreSQL inlines no STRICT function whose body is a CASE). NULL gives NULL all the same.
    ///   `[^…]` now negates, as in SQLite.
    static let plannedOnce = PostgresSchema.Migration(
        version: 7, name: "v7: report filters planned once: unixepoch(text) IMMUTABLE; glob() as equality or LIKE where it can, [^…] negates",
        statements: [
            "ALTER FUNCTION unixepoch(text) IMMUTABLE",
            // `[^…]` is a negated set in GLOB as in a regular expression: its `^` stays unescaped
            // (migration 6 escaped it, so `a[^b]d` did not match `acd`).
            """
            CREATE OR REPLACE FUNCTION mailtls_glob_regex(pattern text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                SELECT '^' || replace(replace(replace(regexp_replace(pattern, '([.+(){}|^$\\\\])', '\\\\\\1', 'g'), '[\\^', '[^'),
                                              '*', '.*'), '?', '.') || '$'
            $$
            """,
            """
            CREATE OR REPLACE FUNCTION glob(pattern text, value text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT CASE WHEN pattern !~ '[*?[]' THEN value = pattern
                            WHEN pattern !~ '[[]' THEN value LIKE replace(replace(replace(replace(replace(pattern,
                                '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%'), '?', '_')
                            ELSE value ~ mailtls_glob_regex(pattern) END
            $$
            """,
        ])

    static let statements: [String] = [
        """
        CREATE FUNCTION unixepoch(t text) RETURNS bigint LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
            SELECT extract(epoch FROM CASE WHEN t ~ '(Z|z|[+-]\\d\\d:?\\d\\d)$' THEN t::timestamptz
                                           ELSE t::timestamp AT TIME ZONE 'UTC' END)::bigint
        $$
        """,
        // The wall-clock time of Unix seconds `t` in UTC, or in the session's zone for 'localtime'.
        """
        CREATE FUNCTION mailtls_wall(t bigint, tz text) RETURNS timestamp LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_timestamp(t) AT TIME ZONE CASE WHEN tz = 'localtime' THEN current_setting('TimeZone') ELSE 'UTC' END
        $$
        """,
        """
        CREATE FUNCTION mailtls_to_char_format(f text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT CASE f WHEN '%Y-%m-%dT%H:%M:%SZ' THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"' WHEN '%Y-%m-%d' THEN 'YYYY-MM-DD'
                          WHEN '%Y-%m' THEN 'YYYY-MM' WHEN '%H' THEN 'HH24' END
        $$
        """,
        """
        CREATE FUNCTION date(t text) RETURNS text LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
            SELECT to_char(to_timestamp(unixepoch(t)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
        $$
        """,
        """
        CREATE FUNCTION date(t bigint, unixepoch text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(to_timestamp(t) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
        $$
        """,
        """
        CREATE FUNCTION date(t bigint, unixepoch text, tz text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(mailtls_wall(t, tz), 'YYYY-MM-DD')
        $$
        """,
        """
        CREATE FUNCTION date(t bigint, unixepoch text, tz text, weekday text, back text) RETURNS text
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(date_trunc('week', mailtls_wall(t, tz)), 'YYYY-MM-DD')
        $$
        """,
        """
        CREATE FUNCTION date(day text, weekday text, back text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(date_trunc('week', day::timestamp), 'YYYY-MM-DD')
        $$
        """,
        """
        CREATE FUNCTION strftime(f text, t bigint, unixepoch text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(to_timestamp(t) AT TIME ZONE 'UTC', mailtls_to_char_format(f))
        $$
        """,
        """
        CREATE FUNCTION strftime(f text, t bigint, unixepoch text, tz text) RETURNS text
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT to_char(mailtls_wall(t, tz), mailtls_to_char_format(f))
        $$
        """,
        // SQLite's GLOB as a regular expression: regex characters escaped, then * and ? translated.
        """
        CREATE FUNCTION mailtls_glob_regex(pattern text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT '^' || replace(replace(regexp_replace(pattern, '([.+(){}|^$\\\\])', '\\\\\\1', 'g'), '*', '.*'), '?', '.') || '$'
        $$
        """,
        """
        CREATE FUNCTION glob(pattern text, value text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT value ~ mailtls_glob_regex(pattern)
        $$
        """,
        """
        CREATE FUNCTION mailtls_concat(joined text, value text, separator text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN value IS NULL THEN joined WHEN joined IS NULL THEN value ELSE joined || separator || value END
        $$
        """,
        // PARALLEL SAFE: a query that uses them may still scan in parallel workers (the aggregate itself runs in
        // the leader, over the rows in the order the plan gives them, as SQLite's do).
        "CREATE AGGREGATE group_concat(text, text) (SFUNC = mailtls_concat, STYPE = text, PARALLEL = SAFE)",
        """
        CREATE FUNCTION mailtls_json_add(items text, value anyelement) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN items = '' THEN '' ELSE items || ', ' END || coalesce(to_json(value)::text, 'null')
        $$
        """,
        """
        CREATE FUNCTION mailtls_json_add(members text, key text, value anyelement) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN members = '' THEN '' ELSE members || ', ' END || to_json(key)::text || ': '
                   || coalesce(to_json(value)::text, 'null')
        $$
        """,
        "CREATE FUNCTION mailtls_json_array(items text) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ('[' || items || ']')::json $$",
        "CREATE FUNCTION mailtls_json_object(members text) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ('{' || members || '}')::json $$",
        """
        CREATE AGGREGATE json_group_array(anyelement) (
            SFUNC = mailtls_json_add, STYPE = text, INITCOND = '', FINALFUNC = mailtls_json_array, PARALLEL = SAFE)
        """,
        """
        CREATE AGGREGATE json_group_object(text, anyelement) (
            SFUNC = mailtls_json_add, STYPE = text, INITCOND = '', FINALFUNC = mailtls_json_object, PARALLEL = SAFE)
        """,
        """
        CREATE FUNCTION json_set(doc json, path text, value json) RETURNS json LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT (left(doc::text, -1) || CASE WHEN json_typeof(doc) = 'object' AND doc::text ~ '^\\{\\s*\\}$' THEN '' ELSE ', ' END
                    || to_json(substr(path, 3))::text || ': ' || value::text || '}')::json
        $$
        """,
        // Only numbers are read back this way (the summary's counts).
        """
        CREATE FUNCTION json_extract(doc json, path text) RETURNS numeric LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT (doc #>> string_to_array(substr(path, 3), '.'))::numeric
        $$
        """,
        """
        CREATE FUNCTION sqlite_real(v numeric) RETURNS json LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT (CASE WHEN v = trunc(v) THEN trunc(v)::text || '.0' ELSE v::float8::text END)::json
        $$
        """,
        """
        CREATE FUNCTION max(a anycompatible, b anycompatible) RETURNS anycompatible
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT greatest(a, b)'
        """,
        """
        CREATE FUNCTION min(a anycompatible, b anycompatible) RETURNS anycompatible
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT least(a, b)'
        """,
        """
        CREATE FUNCTION instr(t text, part text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos(t, part)'
        """,
    ]
}
