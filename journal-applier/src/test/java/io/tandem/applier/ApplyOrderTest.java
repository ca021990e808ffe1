package io.tandem.applier;

import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tandem.applier.AcctEntries.describe;
import static io.tandem.applier.AcctEntries.insertItem;
import static io.tandem.applier.AcctEntries.rows;
import static io.tandem.applier.AcctEntries.steps;
import static io.tandem.applier.AcctEntries.updateItem;
import static io.tandem.applier.AcctEntries.updateToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Regrouping a slice for long JDBC batches ({@link ApplyOrder}) keeps each physical row's writes in journal order,
 * however the versions writing it name and type its key: the arrangement alone, without a database
 * ({@link ApplyOrderDatabaseTest} has foreign keys, triggers and applying).
 */
class ApplyOrderTest {
    private static final VersionDefinition ACCT = AcctFixture.definition();

    @Test
    void sameStatementsGoTogetherButARowsLaterWritesFollowItsEarlierOnes() {
        List<List<ApplyOrder.Step>> rows = rows(ACCT,
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
        assertEquals(ApplyOrder.loosely(OffsetDateTime.parse("2024-01-01T10:00:00+02:00")),
                ApplyOrder.loosely(OffsetDateTime.parse("2024-01-01T08:00:00Z")));
        assertEquals(ApplyOrder.loosely(new byte[] {1, 2}), ApplyOrder.loosely(new byte[] {1, 2}));
        assertNotEquals(ApplyOrder.loosely(new BigDecimal("1.5")), ApplyOrder.loosely(1L));
    }

    @Test
    void twoVersionsKeyingOneTableWithOtherFieldNamesAndTypesStillShareItsRows() {
        VersionDefinition two = new DefinitionReader().read("""
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
        EntityWrites v1 = new EntityWrites(ACCT.entities().get("item"));
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
    void aTableKeyedByAnExpressionKeepsJournalOrder() {
        VersionDefinition shifted = new DefinitionReader().read("""
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
}
