package io.tandem.applier;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tandem.applier.AcctEntries.describe;
import static io.tandem.applier.AcctEntries.insertItem;
import static io.tandem.applier.AcctEntries.insertLine;
import static io.tandem.applier.AcctEntries.rows;
import static io.tandem.applier.AcctEntries.updateItem;
import static io.tandem.applier.AcctEntries.updateToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Regrouping a slice for long JDBC batches ({@link ApplyOrder}) on PostgreSQL: tables with triggers and tables tied by
 * foreign keys keep journal order, a slice whose regrouped order a unique constraint refuses is applied in journal
 * order instead, nothing rejected, and many-row groups write the exact values ({@link ApplyOrderTest} has the
 * arrangement alone).
 */
@PostgresTest
class ApplyOrderDatabaseTest {
    private static VersionDefinition acct;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        acct = AcctFixture.install(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE UNIQUE INDEX item_token ON item (token)");
            // the fixture's audit trigger would keep item's rows in journal order (TableLinks.ordered); tested apart
            s.execute("DROP TRIGGER item_audit ON item");
            s.execute("INSERT INTO item (id, val, token) VALUES (1, 1, 'a'), (5, 5, 'e'), (6, 6, 'f')");
        }
    }

    @Test
    void aTableWithTriggersKeepsJournalOrder(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE noisy (id bigint PRIMARY KEY)");
            s.execute("CREATE FUNCTION noisy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
            s.execute("CREATE TRIGGER noisy BEFORE INSERT ON noisy FOR EACH ROW EXECUTE FUNCTION noisy()");
            TableLinks links = TableLinks.load(c, List.of("\"item\"", "\"noisy\""));
            assertEquals(true, links.ordered("\"noisy\""));
            assertEquals(false, links.ordered("\"item\""));
        }
    }

    @Test
    void rowsOfTablesTiedByAForeignKeyKeepJournalOrder(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            TableLinks links = TableLinks.load(c, List.of("\"item\"", "\"line\""));
            assertEquals(java.util.Set.of("\"line\""), links.of("\"item\""));
            List<List<ApplyOrder.Step>> rows = rows(acct, insertItem(7, "g"), insertLine(70, 7),
                    insertItem(8, "h"), insertLine(80, 8));
            List<String> order = new ArrayList<>();
            new ApplyOrder(links).arrange(rows).forEach(g -> order.addAll(describe(g)));
            assertEquals(List.of("INSERT 7", "INSERT 70", "INSERT 8", "INSERT 80"), order);
            c.setAutoCommit(false);
            SqlProjection projection = projection(links);
            projection.apply(c, projection.regroup(List.of(tx(insertItem(7, "g"), insertLine(70, 7),
                    insertItem(8, "h"), insertLine(80, 8)))));
            c.rollback();
        }
    }

    @Test
    void aSliceAUniqueConstraintRefusesRegroupedIsAppliedInJournalOrder(TestDatabase db) throws Exception {
        // journal order: item 9 takes 'x', item 1 gives up 'a', item 4 takes 'a'. Regrouped, both inserts run first.
        List<JournalEntry> entries = List.of(insertItem(9, "x"), updateToken(1, "z"), insertItem(4, "a"));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            SqlProjection projection = projection(TableLinks.load(c, List.of("\"item\"", "\"line\"")));
            SQLException refused = assertThrows(SQLException.class,
                    () -> projection.apply(c, projection.regroup(List.of(tx(entries.toArray(JournalEntry[]::new))))));
            assertEquals("23505", refused.getSQLState());
            c.rollback();
        }
        long txid;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new JournalWriter(List.of(acct)).append(c, entries);
            txid = Fence.currentTxid(c);
            c.commit();
        }
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct"));
             Fence fence = Fence.open(db.newPool(2))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("acct", txid, Await.SAFETY_NET));
        }
        assertEquals("1|z", ApplierBasicsTest.item(db, 1));
        assertEquals("4|a", ApplierBasicsTest.item(db, 4));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM tandem.rejects")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "nothing rejected");
        }
    }

    @Test
    void groupsOfManyRowsAreWrittenByOneStatementWithTheExactValues(TestDatabase db) throws Exception {
        List<String> tokens = List.of("plain", "it's", "back\\slash", "comma, brace {x}", "\"quoted\"", "NULL", "",
                "ünïcödé ✓", "tab\there", "new\nline", "last");
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            entries.add(insertItem(100 + i, tokens.get(i)));
            entries.add(insertLine(1000 + i, 100 + i, new BigDecimal(i + ".5")));
        }
        entries.add(JournalEntry.insert("acct", 1, "item", Map.of("id", 200L), java.util.Collections.singletonMap("id",
                200L)));
        for (int i = 0; i < tokens.size(); i++) {
            entries.add(updateItem(100 + i, -i));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // no links: items and lines share level 0, so each statement's group holds all 11 rows
            SqlProjection projection = projection(TableLinks.none());
            projection.apply(c, projection.regroup(List.of(tx(entries.toArray(JournalEntry[]::new)))));
            for (int i = 0; i < tokens.size(); i++) {
                try (var rs = s.executeQuery("SELECT i.val, i.token, l.amount FROM item i JOIN line l ON l.item_id = i.id"
                        + " WHERE i.id = " + (100 + i))) {
                    rs.next();
                    assertEquals(-i, rs.getLong(1));
                    assertEquals(tokens.get(i), rs.getString(2));
                    assertEquals(new BigDecimal(i + ".50"), rs.getBigDecimal(3));
                }
            }
            try (var rs = s.executeQuery("SELECT val IS NULL AND token IS NULL FROM item WHERE id = 200")) {
                rs.next();
                assertEquals(true, rs.getBoolean(1));
            }
            c.rollback();
        }
    }

    private static SqlProjection projection(TableLinks links) {
        return new SqlProjection(List.of(acct), links);
    }

    private static SourceTransaction tx(JournalEntry... entries) {
        List<JournalRow> rows = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            rows.add(new JournalRow(i + 1, 1, entries[i], null, null));
        }
        return new SourceTransaction(1, entries.length, rows);
    }
}
