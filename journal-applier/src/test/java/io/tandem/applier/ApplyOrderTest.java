package io.tandem.applier;

import io.tandem.core.Fence;
import io.tandem.core.JournalEntry;
import io.tandem.core.JournalWriter;
import io.tandem.core.VersionDefinition;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Regrouping a slice for long JDBC batches ({@link ApplyOrder}) keeps per-row and foreign-key order, and a slice
 * whose regrouped order a unique constraint refuses is applied in journal order instead, nothing rejected.
 */
@PostgresTest
class ApplyOrderTest {
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
    void sameStatementsGoTogetherButARowsLaterWritesFollowItsEarlierOnes() {
        List<List<ApplyOrder.Step>> rows = rows(
                insertItem(2, "b"), updateItem(5, 50), insertItem(3, "c"), updateItem(6, 60), updateItem(2, 20));
        List<String> order = new ArrayList<>();
        new ApplyOrder(TableLinks.none()).arrange(rows).forEach(g -> order.addAll(describe(g)));
        assertEquals(List.of("INSERT 2", "INSERT 3", "UPDATE 5", "UPDATE 6", "UPDATE 2"), order);
    }

    @Test
    void keyValuesThatAreOneDatabaseValueCompareEqual() {
        assertEquals(ApplyOrder.loosely(5L), ApplyOrder.loosely(new BigDecimal("5.00")));
        assertEquals(ApplyOrder.loosely(5), ApplyOrder.loosely(new BigDecimal("5E+0")));
        assertEquals(ApplyOrder.loosely(new BigDecimal("1.50")), ApplyOrder.loosely(new BigDecimal("1.5")));
        assertEquals(ApplyOrder.loosely("Ada"), ApplyOrder.loosely("ada"));
        assertEquals(ApplyOrder.loosely(java.time.OffsetDateTime.parse("2024-01-01T10:00:00+02:00")),
                ApplyOrder.loosely(java.time.OffsetDateTime.parse("2024-01-01T08:00:00Z")));
        assertEquals(ApplyOrder.loosely(new byte[] {1, 2}), ApplyOrder.loosely(new byte[] {1, 2}));
        org.junit.jupiter.api.Assertions.assertNotEquals(ApplyOrder.loosely(new BigDecimal("1.5")),
                ApplyOrder.loosely(1L));
    }

    @Test
    void twoVersionsKeyingOneTableWithOtherFieldNamesAndTypesStillShareItsRows() {
        VersionDefinition two = new io.tandem.core.DefinitionReader().read("""
                app: acct
                version: 2
                entities:
                  thing:
                    key: [thing_id]
                    from: item i
                    fields:
                      thing_id: { type: integer, read: CAST(i.id AS integer) }
                      label:    { type: text,    read: i.token }
                    writes:
                      - table: item
                        key: { id: ":thing_id" }
                        set: { token: ":label" }
                """, "v2.yaml");
        EntityWrites v1 = new EntityWrites(acct.entities().get("item"));
        EntityWrites v2 = new EntityWrites(two.entities().get("thing"));
        JournalEntry first = updateItem(7, 70);
        JournalEntry old = JournalEntry.update("acct", 2, "thing", Map.of("thing_id", 5), Map.of("label", "old"),
                List.of("label"));
        JournalEntry later = updateToken(5, "new");
        List<List<ApplyOrder.Step>> rows = List.of(steps(v1, first), steps(v2, old), steps(v1, later));
        List<Object> order = new ArrayList<>();
        new ApplyOrder(TableLinks.none()).arrange(rows).forEach(g -> order.addAll(g.entries()));
        assertEquals(List.of(first, old, later), order, "v2's write of row 5 stays before v1's later one");
    }

    @Test
    void aTableKeyedByAnExpressionOrWithTriggersKeepsJournalOrder(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE noisy (id bigint PRIMARY KEY)");
            s.execute("CREATE FUNCTION noisy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
            s.execute("CREATE TRIGGER noisy BEFORE INSERT ON noisy FOR EACH ROW EXECUTE FUNCTION noisy()");
            TableLinks links = TableLinks.load(c, List.of("\"item\"", "\"noisy\""));
            assertEquals(true, links.ordered("\"noisy\""));
            assertEquals(false, links.ordered("\"item\""));
        }
        VersionDefinition shifted = new io.tandem.core.DefinitionReader().read("""
                app: acct
                version: 3
                entities:
                  shifted:
                    key: [n]
                    from: item i
                    fields:
                      n:     { type: bigint, read: i.id - 1000 }
                      token: { type: text,   read: i.token }
                    writes:
                      - table: item
                        key: { id: ":n + 1000" }
                        set: { token: ":token" }
                """, "v3.yaml");
        EntityWrites writes = new EntityWrites(shifted.entities().get("shifted"));
        List<JournalEntry> entries = List.of(
                JournalEntry.insert("acct", 3, "shifted", Map.of("n", 1L), Map.of("n", 1L, "token", "x")),
                JournalEntry.update("acct", 3, "shifted", Map.of("n", 2L), Map.of("token", "y"), List.of("token")),
                JournalEntry.insert("acct", 3, "shifted", Map.of("n", 3L), Map.of("n", 3L, "token", "z")));
        List<Object> order = new ArrayList<>();
        new ApplyOrder(TableLinks.none()).arrange(entries.stream().map(e -> steps(writes, e)).toList())
                .forEach(g -> order.addAll(g.entries()));
        assertEquals(entries, order, "a key column fed by an expression: the table's rows keep journal order");
    }

    @Test
    void rowsOfTablesTiedByAForeignKeyKeepJournalOrder(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            TableLinks links = TableLinks.load(c, List.of("\"item\"", "\"line\""));
            assertEquals(java.util.Set.of("\"line\""), links.of("\"item\""));
            List<List<ApplyOrder.Step>> rows = rows(insertItem(7, "g"), insertLine(70, 7),
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

    private static List<List<ApplyOrder.Step>> rows(JournalEntry... entries) {
        EntityWrites item = new EntityWrites(acct.entities().get("item"));
        EntityWrites line = new EntityWrites(acct.entities().get("line"));
        List<List<ApplyOrder.Step>> rows = new ArrayList<>();
        for (JournalEntry e : entries) {
            EntityWrites writes = e.entity().equals("item") ? item : line;
            rows.add(writes.statementsFor(e).stream().map(s -> new ApplyOrder.Step(s, e)).toList());
        }
        return rows;
    }

    private static List<ApplyOrder.Step> steps(EntityWrites writes, JournalEntry e) {
        return writes.statementsFor(e).stream().map(s -> new ApplyOrder.Step(s, e)).toList();
    }

    private static SourceTransaction tx(JournalEntry... entries) {
        List<JournalRow> rows = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            rows.add(new JournalRow(i + 1, 1, entries[i], null, null));
        }
        return new SourceTransaction(1, entries.length, rows);
    }

    private static List<String> describe(ApplyOrder.Group group) {
        return group.entries().stream().map(e -> group.statement().sql().split(" ")[0] + " " + e.key().get("id"))
                .toList();
    }

    private static JournalEntry insertItem(long id, String token) {
        return JournalEntry.insert("acct", 1, "item", Map.of("id", id), Map.of("id", id, "val", id, "token", token));
    }

    private static JournalEntry updateItem(long id, long val) {
        return JournalEntry.update("acct", 1, "item", Map.of("id", id), Map.of("val", val), List.of("val"));
    }

    private static JournalEntry updateToken(long id, String token) {
        return JournalEntry.update("acct", 1, "item", Map.of("id", id), Map.of("token", token), List.of("token"));
    }

    private static JournalEntry insertLine(long id, long item) {
        return insertLine(id, item, new BigDecimal("1.00"));
    }

    private static JournalEntry insertLine(long id, long item, BigDecimal amount) {
        return JournalEntry.insert("acct", 1, "line", Map.of("id", id),
                Map.of("id", id, "item_id", item, "amount", amount));
    }
}
