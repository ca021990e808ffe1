package io.tandem.core.journal;

import io.tandem.core.TandemException;
import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@PostgresTest
class JournalWriterTest {
    private static VersionDefinition v1;
    private static JournalWriter writer;

    @BeforeAll
    static void install(TestDatabase db) {
        TandemSchema.install(db.dataSource());
        v1 = Release.load(Path.of("..", "schemas", "shop")).version(1);
        writer = new JournalWriter(List.of(v1));
    }

    @BeforeEach
    void emptyJournal(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE tandem.journal");
        }
    }

    @Test
    void appendsManyEntriesInTheCallersTransactionAsOneBatch(TestDatabase db) throws Exception {
        OffsetDateTime placed = OffsetDateTime.of(2026, 11, 22, 10, 0, 0, 123456000, ZoneOffset.ofHours(2));
        List<JournalEntry> entries = new ArrayList<>();
        for (long id = 1; id <= 50; id++) {
            entries.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                    Map.of("id", id, "full_name", "Zoë Ñandú " + id, "email", "c" + id + "@example.com")));
        }
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", 7L);
        order.put("customer_id", 1L);
        order.put("total", new BigDecimal("19.90"));
        order.put("status", "new");
        order.put("placed_at", placed);
        entries.add(JournalEntry.insert("shop", 1, "orders", Map.of("id", 7L), order));
        entries.add(JournalEntry.update("shop", 1, "customer", Map.of("id", 2L), Map.of("email", "new@example.com"),
                List.of("email")));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            writer.append(c, entries);
            assertEquals(0, count(db), "nothing visible to others before commit");
            c.rollback();
        }
        assertEquals(0, count(db), "rolled back with the caller's transaction");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            writer.append(c, entries);
            c.commit();
        }
        assertEquals(52, count(db));
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT data::text, changed FROM tandem.journal WHERE entity = 'orders'")) {
            rs.next();
            Map<String, Object> back = new JournalCodec().decode(rs.getString(1), v1.entities().get("orders").fieldTypes());
            assertEquals(order, back);
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT array_to_string(changed, ','), op, (SELECT count(DISTINCT txid) FROM tandem.journal)"
                     + " FROM tandem.journal WHERE op = 'update'")) {
            rs.next();
            assertEquals("email", rs.getString(1));
            assertEquals(1, rs.getInt(3), "all 52 entries in one transaction");
        }
    }

    @Test
    void aBadEntryAnywhereWritesNothing(TestDatabase db) throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        List<JournalEntry> good = List.of(JournalEntry.insert("shop", 1, "customer", Map.of("id", 1L),
                Map.of("id", 1L, "full_name", "A", "email", "a@x")));
        Map<String, JournalEntry> bad = new LinkedHashMap<>();
        bad.put("no entity 'customr'", JournalEntry.delete("shop", 1, "customr", Map.of("id", 1L)));
        cases.put("no entity 'customr'", "entities: customer, orders");
        bad.put("no definition of version 3", JournalEntry.delete("shop", 3, "customer", Map.of("id", 1L)));
        bad.put("field 'phone', which the entity does not declare", JournalEntry.insert("shop", 1, "customer",
                Map.of("id", 2L), Map.of("id", 2L, "phone", "123")));
        bad.put("key field 'id' is missing", JournalEntry.delete("shop", 1, "customer", Map.of()));
        bad.put("declared bigint but the value is a String", JournalEntry.insert("shop", 1, "customer",
                Map.of("id", 2L), Map.of("id", "two")));
        bad.put("changed names 'email', which is not in data", JournalEntry.update("shop", 1, "customer",
                Map.of("id", 2L), Map.of("full_name", "B"), List.of("email")));
        Map<String, Object> nul = new HashMap<>();
        nul.put("id", 2L);
        nul.put("full_name", "bad\u0000name");
        bad.put("NUL character", JournalEntry.insert("shop", 1, "customer", Map.of("id", 2L), nul));
        for (Map.Entry<String, JournalEntry> e : bad.entrySet()) {
            List<JournalEntry> batch = new ArrayList<>(good);
            batch.add(e.getValue());
            try (Connection c = db.connect()) {
                TandemException error = assertThrows(TandemException.class, () -> writer.append(c, batch));
                assertTrue(error.getMessage().contains(e.getKey()), error.getMessage());
                String also = cases.get(e.getKey());
                assertTrue(also == null || error.getMessage().contains(also), error.getMessage());
            }
            assertEquals(0, count(db), "nothing written for: " + e.getKey());
        }
    }

    private static long count(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem.journal")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
