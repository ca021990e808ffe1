package io.tandem.views;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One fixture per problem class, each asserting the exact one-line message; the clean shop has none. */
@PostgresTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LintTest {
    private final Lint lint = new Lint();

    @BeforeAll
    void setUp(TestDatabase db) throws Exception {
        Shop.install(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE note (id bigint NOT NULL, body text)"); // no unique index at all
            s.execute("CREATE TABLE tag (id bigint NOT NULL, label text NOT NULL)");
            s.execute("CREATE UNIQUE INDEX tag_label_partial ON tag (id) WHERE label <> ''"); // partial: no key
        }
    }

    @Test
    void theShopsRelease1IsClean(TestDatabase db) throws Exception {
        assertEquals(List.of(), problems(db, Shop.v1()));
    }

    @Test
    void fromThatDoesNotCompile(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer: FROM clause 'custmer c' does not compile: relation \"custmer\" does"
                        + " not exist; fix from: in the definition or create what it names in a migration"),
                problems(db, customer("custmer c", "c.email", "text", "customer", "email", ":email")));
    }

    /** Where a problem is: the field's entry for a field's, the entity's for the entity's and a column's. */
    @Test
    void aProblemIsLocatedAtItsFieldOrEntity(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            assertEquals(List.of("fixture.yaml:4:3"), lint.check(c, List.of(customer("custmer c", "c.email", "text",
                    "customer", "email", ":email"))).stream().map(LintProblem::where).toList(), "FROM: the entity");
            assertEquals(List.of("fixture.yaml:10:7"), lint.check(c, List.of(customer("customer c", "c.emial", "text",
                    "customer", "email", ":email"))).stream().map(LintProblem::where).toList(), "a read: the field");
            assertEquals(List.of("fixture.yaml:4:3", "fixture.yaml:10:7"), lint.check(c, List.of(customer("customer c",
                    "c.email", "text", "customer", "emial", ":email"))).stream().map(LintProblem::where).toList(),
                    "column emial, no field of that name: the entity; column email unfilled: the field of its name");
        }
    }

    @Test
    void readThatDoesNotCompile(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer.email: read 'c.emial' does not compile: column c.emial does not"
                        + " exist; fix the read so it is an expression over from: customer c"),
                problems(db, customer("customer c", "c.emial", "text", "customer", "email", ":email")));
    }

    @Test
    void readWithTheWrongType(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer.email: read 'length(c.email)' has type integer but the field is"
                        + " declared text; declare type: integer or make the read return text (e.g."
                        + " CAST(length(c.email) AS text))"),
                problems(db, customer("customer c", "length(c.email)", "text", "customer", "email", ":email")));
    }

    @Test
    void typmodOnlyDifferencesAreFine(TestDatabase db) throws Exception {
        // orders.total is numeric(12,2); declaring plain numeric or another precision is the same base type
        String source = Shop.v1().source().replace("type: \"numeric(12,2)\"", "type: numeric");
        assertEquals(List.of(), problems(db, Shop.definition(source)));
    }

    @Test
    void unknownTable(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer: writes[0] table custmer does not exist (or is not a table); fix"
                        + " writes[0].table or create the table in a migration"),
                problems(db, customer("customer c", "c.email", "text", "custmer", "email", ":email")));
    }

    @Test
    void unknownColumn(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer.emial: writes[0] column customer.emial does not exist; fix"
                        + " writes[0].set.emial or add the column in a migration",
                        "shop v1 customer.email: column customer.email is NOT NULL without a DEFAULT and version 1's"
                        + " insert does not fill it; add a DEFAULT in the migration or map the column in writes"),
                problems(db, customer("customer c", "c.email", "text", "customer", "emial", ":email")));
    }

    @Test
    void expressionThatDoesNotCompile(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 customer.email: writes[0] expression 'lowr(:email)' for column"
                        + " customer.email does not compile: function lowr(text) does not exist; fix"
                        + " writes[0].set.email"),
                problems(db, customer("customer c", "c.email", "text", "customer", "email", "lowr(:email)")));
    }

    @Test
    void expressionOfTheWrongTypeForItsColumn(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 orders.customer_id: writes[0] expression ':customer_id' for column"
                        + " orders.customer_id does not compile: column \"customer_id\" is of type bigint but expression"
                        + " is of type text; fix writes[0].set.customer_id"),
                problems(db, Shop.definition("""
                        app: shop
                        version: 1
                        entities:
                          orders:
                            key: [id]
                            from: orders o
                            fields:
                              id:          { type: bigint,          read: o.id }
                              customer_id: { type: text,            read: "o.customer_id::text" }
                              total:       { type: "numeric(12,2)", read: o.total }
                            writes:
                              - table: orders
                                key: { id: ":id" }
                                set: { customer_id: ":customer_id", total: ":total" }
                        """)));
    }

    @Test
    void notNullColumnWithoutDefaultThatTheInsertDoesNotFill(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE customer ADD COLUMN phone text NOT NULL");
            }
            assertEquals(List.of("shop v1 customer.phone: column customer.phone is NOT NULL without a DEFAULT and"
                            + " version 1's insert does not fill it; add a DEFAULT in the migration or map the column"
                            + " in writes"),
                    lint.check(c, List.of(Shop.v1())).stream().map(Object::toString).toList());
            c.rollback();
        }
    }

    @Test
    void keyThatIsNotAUniqueKey(TestDatabase db) throws Exception {
        assertEquals(List.of("shop v1 note: writes[0] key (id) is not the column set of a unique index on note"
                        + " (unique keys: none); key writes[0] by a unique column set, or add a PRIMARY KEY or UNIQUE"
                        + " constraint in a migration"),
                problems(db, keyed("note", "body")));
        assertEquals(List.of("shop v1 note: writes[0] key (id) is not the column set of a unique index on tag"
                        + " (unique keys: none); key writes[0] by a unique column set, or add a PRIMARY KEY or UNIQUE"
                        + " constraint in a migration"),
                problems(db, keyed("tag", "label")), "a partial unique index is no key");
        assertEquals(List.of(), problems(db, Shop.definition("""
                app: shop
                version: 1
                entities:
                  customer:
                    key: [email]
                    from: customer c
                    fields:
                      email: { type: text, read: c.email }
                      full_name: { type: text, read: c.full_name }
                    writes:
                      - table: customer
                        key: { email: ":email" }
                        set: { full_name: ":full_name" }
                """)), "a UNIQUE constraint is a key as good as the primary key");
    }

    @Test
    void worksInsideAnOpenTransactionAndLeavesNothingBehind(TestDatabase db) throws Exception {
        VersionDefinition broken = customer("customer c", "length(c.email)", "text", "customer", "email",
                "lowr(:email)");
        try (Connection c = db.connect()) {
            String before = footprint(c);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO customer (id, full_name, email) VALUES (500, 'In Flight', 'f@example.com')");
            }
            assertEquals(2, lint.check(c, List.of(broken, Shop.v1())).size());
            assertFalse(c.getAutoCommit(), "autocommit left as the caller had it");
            assertEquals("In Flight", single(c, "SELECT full_name FROM customer WHERE id = 500"),
                    "the caller's transaction is intact and still usable");
            c.commit();
            c.setAutoCommit(true);
            assertEquals(2, lint.check(c, List.of(broken)).size());
            assertTrue(c.getAutoCommit(), "autocommit restored");
            assertEquals(before, footprint(c), "no relation, prepared statement or view left");
            assertEquals("In Flight", single(c, "SELECT full_name FROM customer WHERE id = 500"), "committed");
        }
    }

    /** Relations in the database (temporary ones included) and this session's prepared statements. */
    private static String footprint(Connection c) throws SQLException {
        return single(c, "SELECT (SELECT count(*) FROM pg_class) || '/' || (SELECT count(*) FROM pg_prepared_statements WHERE from_sql)"
                + " || '/' || (SELECT count(*) FROM pg_class WHERE relname LIKE 'tandem_lint%')");
    }

    private List<String> problems(TestDatabase db, VersionDefinition v) throws SQLException {
        try (Connection c = db.connect()) {
            return lint.check(c, List.of(v)).stream().map(Object::toString).toList();
        }
    }

    /** A one-entity customer definition with the given from, email read/type, write table and email column. */
    private static VersionDefinition customer(String from, String emailRead, String emailType, String table,
                                              String emailColumn, String emailExpression) {
        return Shop.definition("""
                app: shop
                version: 1
                entities:
                  customer:
                    key: [id]
                    from: %s
                    fields:
                      id:        { type: bigint, read: c.id }
                      full_name: { type: text,   read: c.full_name }
                      email:     { type: %s,   read: "%s" }
                    writes:
                      - table: %s
                        key: { id: ":id" }
                        set:
                          full_name: ":full_name"
                          %s: "%s"
                """.formatted(from, emailType, emailRead, table, emailColumn, emailExpression));
    }

    private static VersionDefinition keyed(String table, String column) {
        return Shop.definition("""
                app: shop
                version: 1
                entities:
                  note:
                    key: [id]
                    from: %1$s t
                    fields:
                      id:   { type: bigint, read: t.id }
                      body: { type: text,   read: t.%2$s }
                    writes:
                      - table: %1$s
                        key: { id: ":id" }
                        set: { %2$s: ":body" }
                """.formatted(table, column));
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
