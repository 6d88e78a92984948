import MailTLSParser

/// Schema v3: the data tables as compact base tables behind views with the documented names.
///
/// Each documented table (`tls_sessions`, `messages`, `deliveries`, `auth_events`, `tls_failures`) is
/// now a view over a base table (`session_rows`, …) that holds times as integer Unix seconds (UTC) and
/// repeated text as ids into `texts`. The view gives back every column of schema v2 under its name and
/// in its text form (`ts` as `YYYY-MM-DDTHH:MM:SSZ`), so users' `sqlite3` queries keep working; reports
/// read the base tables where that makes them fast. One definition (`tables`) makes the base tables,
/// the views and the migration from v2, so the three cannot disagree.
public enum CompactRows {
    /// How a column is stored in its base table.
    package enum Storage: Equatable {
        /// An integer, as in the view.
        case integer
        /// Text kept in the row: values that rarely repeat (queue ids, message ids, recipient lists).
        case text
        /// An id into `texts`: values that repeat (hosts, peers, versions, ciphers, reasons, …).
        case dictionary
        /// Unix seconds, UTC; the view shows `YYYY-MM-DDTHH:MM:SSZ`.
        case time
        /// Two base columns: `<name>` holds the id of a template in `texts` and `<name>_token` the
        /// unique part the view puts back into it (`TextTemplate`): for text that is mostly one of a few
        /// forms around an id.
        case templated
        /// The MTA that logged the row, as `mtas.id` (`MTA.code`); 0, sendmail, by default (v4).
        case mta
        /// An id into `texts`, NULL when the value is that of the dictionary column named here: the view
        /// shows that column's value then. For what the log wrote beside its normalised form
        /// (`version_logged`), which is nearly always the same: a NULL costs no byte (v4).
        case dictionaryOr(String)
    }

    package struct Column {
        package let name: String
        package let storage: Storage
        /// `NOT NULL …` and other constraints of the base column, if any.
        package let constraint: String
        /// What it holds, for `mailtls schema`.
        package let comment: String
        /// The schema version that added it: v3 made the base tables, later versions add columns to
        /// them (at their end) and make the views again.
        package let added: Int

        init(_ name: String, _ storage: Storage, _ constraint: String = "", _ comment: String = "", added: Int = 3) {
            self.name = name
            self.storage = storage
            self.constraint = constraint
            self.comment = comment
            self.added = added
        }
    }

    package struct Table {
        /// The documented name, a view since v3 (and the v2 table the migration reads).
        package let view: String
        /// The base table.
        package let base: String
        package let comment: String
        /// In the order of the view; the base table has them in the order they were added.
        package let columns: [Column]

        /// The columns as of schema `version`.
        func columns(at version: Int) -> [Column] { columns.filter { $0.added <= version } }
    }

    static let mtaComment = "sendmail, postfix or exim: the MTA that logged it (mtas.name)"


    /// Schema v6: a TLS session logged on the line of a message or delivery (Exim's `<=` and `=>` lines
    /// with `X=`) lives on that row, not in a `session_rows` row of its own: a row fewer per such line.
    static func sessionHereComment(_ column: String) -> String {
        "with session_role or a tls_session_id whose session is not in session_rows: the session's \(column)"
    }

    static let sessionRoleComment = """
        server or client when this row's own line is its TLS session (Exim's <= and => lines with X=): the \
        session is then this row's tls_* columns, and tls_sessions shows it with id tls_session_id; NULL otherwise \
        (no session, or one in session_rows)
        """

    static let loopbackComment = """
        1 for loopback peers (127.0.0.0/8, ::1, ::ffff:127.x, or the peer localhost: MSP -> MTA hops), \
        which reports leave out unless --include-local; set at ingest from peer and peer_ip
        """

    package static let tables: [Table] = [
        Table(view: "tls_sessions", base: "session_rows",
              comment: "One row per completed TLS handshake (sendmail's STARTTLS=server|client main line).", columns: [
            Column("id", .integer, "PRIMARY KEY"),
            Column("ts", .time, "NOT NULL", "UTC"),
            Column("host", .dictionary, "NOT NULL", "syslog host that logged it"),
            Column("mta", .mta, "NOT NULL DEFAULT 0", mtaComment, added: 4),
            Column("pid", .integer, "NOT NULL", "syslog pid"),
            Column("role", .dictionary, "NOT NULL", "server = inbound, client = outbound"),
            Column("peer", .dictionary, "", "normalised peer name, or its IP when unnamed"),
            Column("peer_ip", .dictionary, "", "NULL where the line has none (client lines carry no IP)"),
            Column("relay", .dictionary, "", "relay= as logged"),
            Column("forged", .integer, "NOT NULL DEFAULT 0", "1 when logged '(may be forged)'"),
            Column("version", .dictionary, "", """
                SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 for every MTA (Exim's TLS1.2 is TLSv1.2); other values as \
                logged (old sendmail: TLSv1/SSLv3)
                """),
            Column("verify", .dictionary, "", """
                in sendmail's words: OK, NO, NOT, FAIL, TRUSTED, DANE_FAIL, ...; Postfix Verified and Trusted are OK, \
                Untrusted FAIL, Anonymous NO; Exim CV=yes/dane OK, CV=no with DN= FAIL, else NO
                """),
            Column("version_logged", .dictionaryOr("version"), "", "the version as logged (TLS1.2, TLSv1.2, ...)", added: 4),
            Column("verify_logged", .dictionaryOr("verify"), "",
                   "the verify result as logged (Verified, Untrusted, CV=yes, OK, ...)", added: 4),
            Column("cipher", .dictionary),
            Column("alg_bits", .integer, "", "sendmail bits=alg/cipher: the first number"),
            Column("cipher_bits", .integer, "", "the second number (effective bits)"),
            Column("dane_pubkey_fp", .dictionary, "", "DANE suffixes (sendmail 8.16+)"),
            Column("dane_status", .dictionary),
            Column("dane_note", .dictionary),
            Column("cert_subject", .dictionary, "", "certificate line (LogLevel 12+), xtext-decoded"),
            Column("cert_issuer", .dictionary),
            Column("verifymsg", .dictionary, "", "why verification failed, e.g. 'unable to get local issuer certificate'"),
            Column("source_id", .integer, "", "sources.id: the input file"),
            Column("source_offset", .integer, "", "byte offset of its line in that input"),
            Column("loopback", .integer, "NOT NULL DEFAULT 0", loopbackComment),
        ]),
        Table(view: "messages", base: "message_rows", comment: "One row per accepted message (from= line).", columns: [
            Column("id", .integer, "PRIMARY KEY"),
            Column("ts", .time, "NOT NULL"),
            Column("host", .dictionary, "NOT NULL"),
            Column("mta", .mta, "NOT NULL DEFAULT 0", mtaComment, added: 4),
            Column("pid", .integer, "NOT NULL"),
            Column("queue_id", .text),
            Column("sender", .dictionary),
            Column("size", .integer),
            Column("nrcpts", .integer),
            Column("msgid", .text),
            Column("proto", .dictionary, "", "SMTP, ESMTP, ESMTPS, ESMTPSA, ...; NULL for command-line submission"),
            Column("daemon", .dictionary),
            Column("peer", .dictionary),
            Column("peer_ip", .dictionary),
            Column("relay", .dictionary),
            Column("forged", .integer, "NOT NULL DEFAULT 0"),
            Column("auth", .dictionary, "", "auth= (LOG_MORE builds)"),
            Column("tls_verify", .dictionary, "", "tls_verify= / tls_version= / cipher= (LOG_MORE builds)"),
            Column("tls_version", .dictionary),
            Column("tls_cipher", .dictionary),
            Column("tls_bits", .integer, "", sessionHereComment("cipher_bits"), added: 6),
            Column("tls_cert_subject", .dictionary, "", sessionHereComment("cert_subject"), added: 6),
            Column("tls_version_logged", .dictionaryOr("tls_version"), "", sessionHereComment("version_logged"), added: 6),
            Column("tls_verify_logged", .dictionaryOr("tls_verify"), "", sessionHereComment("verify_logged"), added: 6),
            Column("session_role", .dictionary, "", sessionRoleComment, added: 6),
            Column("auth_authid", .dictionary, "", "with auth_role: the AUTH's authid (Exim A=NAME:USER: USER)", added: 6),
            Column("auth_mech", .dictionary, "", "with auth_role: the AUTH's mech (PLAIN, LOGIN, or Exim's authenticator name)", added: 6),
            Column("auth_role", .dictionary, "", """
                server when this row's own line is also a successful AUTH (Exim's A= on a <= line): auth_events \
                shows it with id -id; NULL otherwise (no AUTH, or an auth_rows row)
                """, added: 6),
            Column("tls_session_id", .integer, "", "the STARTTLS=server session it came over (tls_sessions.id), or NULL"),
            Column("source_id", .integer),
            Column("source_offset", .integer),
            Column("loopback", .integer, "NOT NULL DEFAULT 0", loopbackComment),
            Column("encrypted", .integer, "NOT NULL DEFAULT 0", """
                set at ingest: 1 when the message came over TLS: proto has the S flag (ESMTPS, ESMTPSA, UTF8SMTPS, \
                ...) or its session had a STARTTLS=server line (sendmail before 8.15 logs ESMTP even over TLS)
                """),
        ]),
        Table(view: "deliveries", base: "delivery_rows",
              comment: "One row per delivery attempt (to= line; a to= ... [more] list is joined into one row).", columns: [
            Column("id", .integer, "PRIMARY KEY"),
            Column("ts", .time, "NOT NULL"),
            Column("host", .dictionary, "NOT NULL"),
            Column("mta", .mta, "NOT NULL DEFAULT 0", mtaComment, added: 4),
            Column("pid", .integer, "NOT NULL"),
            Column("queue_id", .text),
            Column("recipients", .text),
            Column("nrcpts", .integer, "", "addresses in recipients"),
            Column("mailer", .dictionary, "", "esmtp, relay, smtp, local, prog, *file*, ..."),
            Column("peer", .dictionary),
            Column("peer_ip", .dictionary),
            Column("relay", .dictionary),
            Column("dsn", .dictionary),
            Column("status", .dictionary, "NOT NULL", "sent, deferred, bounced or other"),
            Column("stat", .templated, "", "stat= as logged"),
            Column("delay", .dictionary),
            Column("xdelay", .dictionary),
            Column("tls_verify", .dictionary, "", "LOG_MORE builds"),
            Column("tls_version", .dictionary),
            Column("tls_cipher", .dictionary),
            Column("tls_feature", .dictionary, "", "Postfix 3.11+ tls= (smtp_log_tls_feature_status) as logged",
                   added: 4),
            Column("tls_bits", .integer, "", sessionHereComment("cipher_bits"), added: 6),
            Column("tls_cert_subject", .dictionary, "", sessionHereComment("cert_subject"), added: 6),
            Column("tls_version_logged", .dictionaryOr("tls_version"), "", sessionHereComment("version_logged"), added: 6),
            Column("tls_verify_logged", .dictionaryOr("tls_verify"), "", sessionHereComment("verify_logged"), added: 6),
            Column("session_role", .dictionary, "", sessionRoleComment, added: 6),
            Column("tls_session_id", .integer, "", "the STARTTLS=client session that carried it, or NULL"),
            Column("source_id", .integer),
            Column("source_offset", .integer),
            Column("loopback", .integer, "NOT NULL DEFAULT 0", loopbackComment),
            Column("network_mailer", .integer, "NOT NULL DEFAULT 0", """
                set at ingest: 1 for network mailers (esmtp, smtp, smtp8, dsmtp, relay, any *smtp*), not local, \
                prog, *file*, *include*
                """),
            Column("encrypted", .integer, "NOT NULL DEFAULT 0", """
                set at ingest: 1 when it went over TLS: linked to a TLS session, or its line says so (Postfix tls=)
                """, added: 4),
        ]),
        Table(view: "auth_events", base: "auth_rows", comment: "AUTH=server / AUTH=client successes and AUTH failure lines.",
              columns: [
            Column("id", .integer, "PRIMARY KEY"),
            Column("ts", .time, "NOT NULL"),
            Column("host", .dictionary, "NOT NULL"),
            Column("mta", .mta, "NOT NULL DEFAULT 0", mtaComment, added: 4),
            Column("pid", .integer, "NOT NULL"),
            Column("queue_id", .text),
            Column("role", .dictionary, "NOT NULL", "server or client"),
            Column("success", .integer, "NOT NULL", "1 for AUTH=..., 0 for 'AUTH failure (...)'"),
            Column("peer", .dictionary),
            Column("peer_ip", .dictionary),
            Column("relay", .dictionary),
            Column("authid", .dictionary, "", "authid= (success) or user= (failure)"),
            Column("mech", .dictionary, "", "PLAIN, LOGIN, CRAM-MD5, ..."),
            Column("bits", .integer, "", "SASL security layer, not TLS bits"),
            Column("reason", .dictionary, "", "failure text"),
            Column("tls_session_id", .integer, "", "the TLS session it happened over, or NULL"),
            Column("source_id", .integer),
            Column("source_offset", .integer),
            Column("loopback", .integer, "NOT NULL DEFAULT 0", loopbackComment),
            Column("encrypted", .integer, "NOT NULL DEFAULT 0", """
                set at ingest: 1 when it happened over TLS: linked to a TLS session, or the MTA's log says so (a \
                Postfix connection whose disconnect counters show STARTTLS)
                """, added: 4),
        ]),
        Table(view: "tls_failures", base: "failure_rows",
              comment: "Handshake failures, TLS ruleset rejects and TLS read/write errors.", columns: [
            Column("id", .integer, "PRIMARY KEY"),
            Column("ts", .time, "NOT NULL"),
            Column("host", .dictionary, "NOT NULL"),
            Column("mta", .mta, "NOT NULL DEFAULT 0", mtaComment, added: 4),
            Column("pid", .integer, "NOT NULL"),
            Column("queue_id", .text),
            Column("kind", .dictionary, "NOT NULL", """
                accept_failed, connect_failed (handshake failures; the ruleset reject that follows is merged in), \
                ruleset_reject, read_error, write_error
                """),
            Column("role", .dictionary),
            Column("peer", .dictionary),
            Column("peer_ip", .dictionary),
            Column("relay", .dictionary),
            Column("reason", .dictionary, "", "reason= / error= text"),
            Column("ssl_error", .integer),
            Column("errno", .integer),
            Column("ruleset", .dictionary, "", "tls_server, tls_client, tls_rcpt, try_tls"),
            Column("ruleset_arg", .dictionary, "", "arg1= (the ${verify} value: SOFTWARE, FAIL, NONE, ...)"),
            Column("reject", .dictionary, "", "reject= text"),
            Column("tls_session_id", .integer, "", "read/write errors: the session"),
            Column("source_id", .integer),
            Column("source_offset", .integer, "", """
                a handshake failure merged with the ruleset or to= line that named its peer belongs to that later line
                """),
            Column("loopback", .integer, "NOT NULL DEFAULT 0", loopbackComment),
        ]),
    ]

    static let dictionary = """
        -- Repeated text, stored once: the base tables' dictionary columns hold texts.id.
        CREATE TABLE texts (
            id     INTEGER PRIMARY KEY,
            value  TEXT NOT NULL UNIQUE
        )
        """

    /// A base column's definitions: its name and type with constraints, and its comment (two for a
    /// templated column).
    static func baseDefinitions(_ c: Column) -> [(String, String)] {
        var what = c.comment
        let constraint = c.constraint.isEmpty ? "" : " " + c.constraint
        switch c.storage {
        case .integer:
            return [("\(c.name) INTEGER\(constraint)", what)]
        case .text:
            return [("\(c.name) TEXT\(constraint)", what)]
        case .time:
            return [("\(c.name) INTEGER\(constraint)", "Unix seconds" + (what.isEmpty ? "" : ", " + what))]
        case .dictionary:
            return [("\(c.name) INTEGER\(constraint)", "texts.id" + (what.isEmpty ? "" : ": " + what))]
        case .dictionaryOr(let other):
            return [("\(c.name) INTEGER\(constraint)",
                     "texts.id, NULL when the same as \(other)" + (what.isEmpty ? "" : ": " + what))]
        case .mta:
            return [("\(c.name) INTEGER\(constraint)", "mtas.id: " + what)]
        case .templated:
            what = what.isEmpty ? "" : what + ": "
            return [("\(c.name) INTEGER\(constraint)", what + "texts.id of its template (U+0001 marks the token)"),
                    ("\(c.name)_token TEXT", "the unique part (ids) of \(c.name); NULL when the template is all of it")]
        }
    }

    /// The base table as schema v3 made it (later columns are added by `addedColumns`).
    static func createBase(_ t: Table) -> String {
        let defs = t.columns(at: 3).flatMap(baseDefinitions)
        let lines = defs.enumerated().map { i, d -> String in
            let def = "    " + d.0 + (i < defs.count - 1 ? "," : "")
            return d.1.isEmpty ? def : def + "  -- " + d.1
        }
        return "CREATE TABLE \(t.base) (  -- base table of the view \(t.view)\n" + lines.joined(separator: "\n") + "\n)"
    }

    /// `ALTER TABLE … ADD COLUMN` for the columns schema `version` added to `t`'s base table. The comment
    /// is a `/* */` one: SQLite puts the definition into the table's `CREATE TABLE` text as written.
    static func addedColumns(_ t: Table, version: Int) -> [String] {
        t.columns.filter { $0.added == version }.flatMap(baseDefinitions).map {
            "ALTER TABLE \(t.base) ADD COLUMN \($0.0)" + ($0.1.isEmpty ? "" : "  /* \($0.1) */")
        }
    }

    /// The view as of schema `version`.
    package static func createView(_ t: Table, version: Int) -> String {
        let lines = t.columns(at: version).map { c -> String in
            switch c.storage {
            case .integer, .text: return "r.\(c.name)"
            case .time: return "strftime('%Y-%m-%dT%H:%M:%SZ', r.\(c.name), 'unixepoch') AS \(c.name)"
            case .dictionary: return "(SELECT value FROM texts WHERE id = r.\(c.name)) AS \(c.name)"
            case .dictionaryOr(let other):
                return "(SELECT value FROM texts WHERE id = coalesce(r.\(c.name), r.\(other))) AS \(c.name)"
            case .mta: return "(SELECT name FROM mtas WHERE id = r.\(c.name)) AS \(c.name)"
            case .templated: return TextTemplate.sql(template: "r.\(c.name)", token: "r.\(c.name)_token") + " AS \(c.name)"
            }
        }
        return "CREATE VIEW \(t.view) AS  -- \(t.comment)\nSELECT\n    " + lines.joined(separator: ",\n    ")
            + "\nFROM \(viewSource(t, version: version)) AS r"
    }

    /// Where all of a table's rows are now: its base table, but `all_session_rows` for `tls_sessions`.
    package static func allRows(_ t: Table) -> String { viewSource(t, version: .max) }

    /// What a table's view reads: its base table, but from v6 the union of it and the rows that live on
    /// other tables' rows for `tls_sessions` and `auth_events` (`carried`).
    package static func viewSource(_ t: Table, version: Int) -> String {
        guard version >= 6, let c = carried.first(where: { $0.table.base == t.base }) else { return t.base }
        return c.allRows
    }

    /// Every TLS session in base-table form (schema v6): `session_rows` and the sessions that live on a
    /// message or delivery row (`session_role` set; Exim's `<=` and `=>` lines with `X=`). Reports read its
    /// parts where they read `session_rows` before; `tls_sessions` shows it as text.
    package static let allSessionRows = "all_session_rows"
    /// Every AUTH event in base-table form (schema v6): `auth_rows` and the AUTH that lives on a message row
    /// (`auth_role` set; Exim's `A=` on a `<=` line).
    package static let allAuthRows = "all_auth_rows"

    package static var sessions: Table { tables[0] }
    package static var authEvents: Table { tables.first { $0.base == "auth_rows" }! }

    /// A table some of whose rows live on the rows of other tables (schema v6), and how: what Exim logs
    /// on a message's or delivery's line (a TLS session, an AUTH) is stored on that row instead of in a
    /// row of its own, which would repeat the line's time, host, peer and origin.
    package struct CarriedRows {
        /// The table (`tls_sessions`, `auth_events`).
        package let table: Table
        /// The view of all its rows in base-table form.
        package let allRows: String
        /// Carrier base table and the view of the rows that live on it, with the carrier's column
        /// that is set on those rows.
        package let carriers: [(base: String, view: String, marker: String)]
        /// The carrier's column (or expression) for a column of `table`; a column missing here is the
        /// carrier's column of the same name, else NULL (`forged`: 0).
        package let mapping: [String: String]
    }

    package static let carried: [CarriedRows] = [
        CarriedRows(table: tables[0], allRows: allSessionRows,
                    carriers: [("message_rows", "message_sessions", "session_role"),
                               ("delivery_rows", "delivery_sessions", "session_role")],
                    mapping: ["id": "tls_session_id", "role": "session_role", "version": "tls_version",
                              "verify": "tls_verify", "version_logged": "tls_version_logged",
                              "verify_logged": "tls_verify_logged", "cipher": "tls_cipher", "cipher_bits": "tls_bits",
                              "cert_subject": "tls_cert_subject"]),
        // An AUTH on its message row has the negative of the message's id: ids of auth_rows are positive.
        CarriedRows(table: tables.first { $0.base == "auth_rows" }!, allRows: allAuthRows,
                    carriers: [("message_rows", "message_auth", "auth_role")],
                    mapping: ["id": "-id", "role": "auth_role", "success": "1", "authid": "auth_authid",
                              "mech": "auth_mech"]),
    ]

    /// `CREATE VIEW` of the views of the rows that live on carriers (one table each, so SQLite flattens
    /// them into a query and reads them on the carrier's ts index: a compound view is read whole where
    /// a bound is a subquery, as the reports' are, so they read the parts side by side), then of the
    /// unions (`all_session_rows`, `all_auth_rows`).
    package static var createCarriedViews: [String] {
        var views: [String] = []
        for c in carried {
            let names = c.table.columns.flatMap(baseDefinitions).map { String($0.0.prefix { $0 != " " }) }
            for (base, view, marker) in c.carriers {
                let carrier = tables.first { $0.base == base }!
                let has = Set(carrier.columns.map(\.name))
                let exprs = names.map { n -> String in
                    // A typed NULL: PostgreSQL gives a bare NULL in a view the type text.
                    let e = c.mapping[n] ?? (has.contains(n) ? n : n == "forged" ? "0" : "CAST(NULL AS INTEGER)")
                    return e == n ? n : "\(e) AS \(n)"
                }
                views.append("CREATE VIEW \(view) AS  -- The \(c.table.view) rows that live on \(base) (\(marker) set), "
                    + "as \(c.table.base) holds them\nSELECT " + exprs.joined(separator: ", ")
                    + " FROM \(base) WHERE \(marker) IS NOT NULL")
            }
            let columns = names.joined(separator: ", ")
            views.append("CREATE VIEW \(c.allRows) AS  -- Every \(c.table.view) row in base-table form: \(c.table.base), and "
                + "those that live on the row of the line that logged them (" + c.carriers.map(\.view).joined(separator: ", ")
                + ")\nSELECT \(columns) FROM \(c.table.base)"
                + c.carriers.map { "\nUNION ALL\nSELECT \(columns) FROM \($0.view)" }.joined())
        }
        return views
    }

    /// The views `createCarriedViews` makes, the unions first (they read the others).
    package static var carriedViewNames: [String] {
        carried.map(\.allRows) + carried.flatMap { $0.carriers.map(\.view) }
    }

    /// The index on a base table's time: a period's rows are found through it; from v5 it also holds
    /// `mta`, so a query for one MTA's rows (or all but sendmail's) reads only those rows.
    static func createIndexes(_ t: Table, version: Int) -> String {
        version < 5 ? "CREATE INDEX \(t.base)_ts ON \(t.base)(ts)" : "CREATE INDEX \(t.base)_ts ON \(t.base)(ts, mta)"
    }

    /// Migration v2 -> v3, one statement per step (so a progress line can follow it): fill `texts`
    /// from every dictionary column, copy each table into its base table, drop it, make the views.
    static var migrationSteps: [String] {
        var steps = [dictionary, "INSERT INTO texts(value) VALUES (char(1))"]
        for t in tables {
            let values = t.columns(at: 3).filter { $0.storage == .dictionary }
                .map { "SELECT \($0.name) FROM \(t.view) WHERE \($0.name) IS NOT NULL" }
            steps.append("INSERT OR IGNORE INTO texts(value) " + values.joined(separator: " UNION "))
        }
        for t in tables {
            // A templated text is copied whole as the token of the template that is only the marker.
            var names: [String] = [], exprs: [String] = []
            for c in t.columns(at: 3) {
                names.append(c.name)
                switch c.storage {
                case .integer, .text: exprs.append(c.name)
                case .time: exprs.append("CAST(strftime('%s', \(c.name)) AS INTEGER)")
                case .dictionary: exprs.append("(SELECT id FROM texts WHERE value = \(c.name))")
                case .mta, .dictionaryOr:
                    preconditionFailure("no such column before v4")
                case .templated:
                    exprs.append("CASE WHEN \(c.name) IS NOT NULL THEN (SELECT id FROM texts WHERE value = char(1)) END")
                    names.append(c.name + "_token")
                    exprs.append(c.name)
                }
            }
            steps.append(createBase(t))
            steps.append("INSERT INTO \(t.base)(\(names.joined(separator: ", "))) SELECT "
                         + exprs.joined(separator: ", ") + " FROM \(t.view) ORDER BY id")
            steps.append("DROP TABLE \(t.view)")
            steps.append(createView(t, version: 3))
            steps.append(createIndexes(t, version: 3))
        }
        return steps
    }

    package static let mtas = """
        -- The MTAs whose rows the store holds (the mta column of every base table holds mtas.id).
        CREATE TABLE mtas (
            id    INTEGER PRIMARY KEY,  -- MTA code, fixed per MTA
            name  TEXT NOT NULL UNIQUE  -- sendmail, postfix, exim
        )
        """

    /// Migration v3 -> v4: the `mta`, logged-version/verify, `tls_feature` and `encrypted` columns, and a
    /// partial index on the rows of MTAs other than sendmail.
    /// Existing rows are sendmail's (the column's default, stored in no byte); their `version_logged` and
    /// `verify_logged` are NULL, the same as `version` and `verify`; deliveries and AUTH linked to a TLS session
    /// are the encrypted ones.
    static var v4Steps: [String] {
        var steps = [mtas, "INSERT INTO mtas(id, name) VALUES (\(MTA.sendmail.code), '\(MTA.sendmail.name)')"]
        for t in tables {
            steps += addedColumns(t, version: 4)
            steps.append("DROP VIEW \(t.view)")
            steps.append(createView(t, version: 4))
            // Empty while a store holds only sendmail's rows: the summary asks whether other MTAs'
            // rows are there (`mta <> 0`) without a scan.
            steps.append("CREATE INDEX \(t.base)_mta ON \(t.base)(mta) WHERE mta <> 0")
        }
        steps.append("UPDATE delivery_rows SET encrypted = 1 WHERE tls_session_id IS NOT NULL")
        steps.append("UPDATE auth_rows SET encrypted = 1 WHERE tls_session_id IS NOT NULL")
        return steps
    }

    /// Migration v5 -> v6: a TLS session logged on the line of a message or delivery (Exim) lives on that
    /// row (`tls_bits`, `tls_cert_subject`, `tls_version_logged`, `tls_verify_logged`, `session_role`
    /// beside the `tls_verify`, `tls_version` and `tls_cipher` it had), and so does an AUTH logged on a
    /// message's line (`auth_authid`, `auth_mech`, `auth_role`); `tls_sessions` and `auth_events` read
    /// `all_session_rows` and `all_auth_rows` (`carried`). Existing rows stay as they are.
    ///
    /// An Exim log's MiB holds about 1.6 times the mail of a sendmail log's, and its session and AUTH
    /// rows were two fifths of its rows: without them it ingests faster per MiB than sendmail's
    /// (docs/performance.md).
    static var v6Steps: [String] {
        var steps: [String] = []
        for t in tables { steps += addedColumns(t, version: 6) }
        for c in carried { steps.append("DROP VIEW \(c.table.view)") }
        steps += createCarriedViews
        for t in tables where t.columns.contains(where: { $0.added == 6 }) || carried.contains(where: { $0.table.base == t.base }) {
            if !carried.contains(where: { $0.table.base == t.base }) { steps.append("DROP VIEW \(t.view)") }
            steps.append(createView(t, version: 6))
        }
        return steps
    }

    /// Migration v4 -> v5: `mtas` lists only the MTAs whose rows the store holds (the writer adds one
    /// with its first rows), and the ts indexes carry `mta`, in place of v4's partial indexes on the
    /// rows of MTAs other than sendmail.
    ///
    /// The partial indexes cost a second index insert for every Postfix and Exim row, which made an
    /// Exim log's ingest slower per MiB than sendmail's. The summary's per-MTA figures now walk the ts
    /// index of the period and read only the rows whose `mta` (in the index entry, one byte) is not
    /// sendmail's; whether to look at all comes from `mtas`.
    static var v5Steps: [String] {
        // Before the partial indexes go: each EXISTS is a lookup in one (`mta <> 0` selects it).
        let holds = tables.map { "EXISTS (SELECT 1 FROM \($0.base) WHERE mta <> 0 AND mta = mtas.id)" }
        var steps = ["DELETE FROM mtas WHERE id <> \(MTA.sendmail.code) AND NOT (" + holds.joined(separator: " OR ") + ")"]
        for t in tables {
            steps.append("DROP INDEX \(t.base)_mta")
            steps.append("DROP INDEX \(t.base)_ts")
            steps.append(createIndexes(t, version: 5))
        }
        return steps
    }
}
