@testable import MailTLSPostgres
import Testing

/// What needs no server: URLs kept free of passwords, array literals, the rollup SQL in PostgreSQL's dialect.
struct PostgresURLTests {
    @Test func passwordsAreRedacted() {
        #expect(PostgresURL("postgresql://ingest:s3cret@db.example.net:5432/mailtls")!.redacted
                == "postgresql://ingest:***@db.example.net:5432/mailtls")
        #expect(PostgresURL("postgres://u@h/db?password=x&sslmode=require")!.redacted
                == "postgres://u@h/db?password=***&sslmode=require")
        #expect(PostgresURL("postgresql:///mailtls?host=/tmp/s")!.redacted == "postgresql:///mailtls?host=/tmp/s")
        #expect(PostgresURL("/var/lib/mailtls.db") == nil)
    }

    @Test func arrayLiteralQuotesEveryElement() {
        #expect(PostgresTexts.arrayLiteral(["a", "b c", "q\"x", "s\\t", ""]) == #"{"a","b c","q\"x","s\\t",""}"#)
    }

    @Test func rollupDeltasAreOrderedAndInPostgresDialect() {
        let sql = PostgresSchema.rollupDeltas(sign: 1) { _ in "r.id BETWEEN 1 AND 9" }
        #expect(sql.count == 7)
        for s in sql {
            #expect(!s.contains("ifnull("))
            #expect(s.contains("ORDER BY"))
            #expect(s.contains("ON CONFLICT ON CONSTRAINT rollup_"))
            #expect(s.contains("(r.id BETWEEN 1 AND 9)"))
        }
    }
}
