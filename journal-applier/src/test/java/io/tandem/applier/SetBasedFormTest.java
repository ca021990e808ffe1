package io.tandem.applier;

import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The set-based form of a statement ({@link GroupWriter}: each field's values bound as one text array, cast on the
 * server) writes exactly what journal order with one bound statement per row writes, for every field type, edge
 * values included (sub-microsecond times, NaN, infinities, extreme smallints, quotes, braces, NULL-looking text).
 */
@PostgresTest
class SetBasedFormTest {
    private static final List<String> TABLES = List.of("by_row", "set_based");
    private static final String COLUMNS = "id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz,"
            + " local timestamp, day date, flag boolean, ref uuid, blob bytea, ratio double precision, small smallint,"
            + " whole integer, approx real";

    @Test
    void theSetBasedFormWritesWhatOneStatementPerRowWrites(TestDatabase db) throws Exception {
        VersionDefinition kinds = new DefinitionReader().read(definition(), "kinds.yaml");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.execute("CREATE TABLE " + table + " (" + COLUMNS + ")");
            }
        }
        Random random = new Random(7);
        List<JournalEntry> entries = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            entries.add(JournalEntry.insert("kinds", 1, "set_based", Map.of("id", id), values(random, id, id % 2 == 0)));
        }
        for (long id = 1; id <= 40; id += 3) {
            Map<String, Object> change = values(random, id, false);
            change.keySet().retainAll(List.of("name", "price", "ratio", "blob", "at"));
            entries.add(JournalEntry.update("kinds", 1, "set_based", Map.of("id", id), change,
                    List.copyOf(change.keySet())));
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            SqlProjection projection = new SqlProjection(List.of(kinds), TableLinks.none());
            projection.apply(c, projection.regroup(List.of(tx(entries))));
            projection.applyInJournalOrder(c, List.of(tx(entries.stream().map(e -> new JournalEntry("kinds", 1,
                    "by_row", e.op(), e.key(), e.data(), e.changedFields(), null)).toList())));
            c.commit();
            assertEquals(40, contents(c, "set_based").size());
            assertEquals(contents(c, "by_row"), contents(c, "set_based"));
        }
    }

    private static SourceTransaction tx(List<JournalEntry> entries) {
        List<JournalRow> rows = new ArrayList<>();
        for (JournalEntry e : entries) {
            rows.add(new JournalRow(rows.size() + 1, 1, e, null, null));
        }
        return new SourceTransaction(1, rows.size(), rows);
    }

    private static String definition() {
        StringBuilder yaml = new StringBuilder("app: kinds\nversion: 1\nentities:\n");
        for (String table : TABLES) {
            yaml.append("""
                      %1$s:
                        key: [id]
                        from: %1$s t
                        fields:
                          id:     { type: bigint,           read: t.id }
                          name:   { type: text,             read: t.name }
                          price:  { type: "numeric(12,2)",  read: t.price }
                          at:     { type: timestamptz,      read: t.at }
                          local:  { type: timestamp,        read: t.local }
                          day:    { type: date,             read: t.day }
                          flag:   { type: boolean,          read: t.flag }
                          ref:    { type: uuid,             read: t.ref }
                          blob:   { type: bytea,            read: t.blob }
                          ratio:  { type: double precision, read: t.ratio }
                          small:  { type: smallint,         read: t.small }
                          whole:  { type: integer,          read: t.whole }
                          approx: { type: real,             read: t.approx }
                        writes:
                          - table: %1$s
                            key: { id: ":id" }
                            set: { name: ":name", price: ":price", at: ":at", local: ":local", day: ":day",
                                   flag: ":flag", ref: ":ref", blob: ":blob", ratio: ":ratio", small: ":small",
                                   whole: ":whole", approx: ":approx" }
                    """.formatted(table));
        }
        return yaml.toString();
    }

    private static Map<String, Object> values(Random random, long id, boolean nanos) {
        String[] names = {"plain", "it's", "back\\slash", "{brace, comma}", "\"quoted\"", "NULL", "", "ünï ✓", "tab\t",
                "line\nbreak"};
        byte[] blob = new byte[random.nextInt(6)];
        random.nextBytes(blob);
        Map<String, Object> v = new HashMap<>();
        v.put("id", id);
        v.put("name", names[(int) (id % names.length)]);
        v.put("price", new BigDecimal(random.nextInt(2_000_000) - 1_000_000).movePointLeft(2));
        // ties at half a microsecond: the driver rounds a bound value half up, the server rounds text half to even
        int nano = nanos ? new int[] {500, 1_500, 2_500, 123_456_789}[(int) (id % 4)] : 123_456_000;
        v.put("at", OffsetDateTime.of(2024, 2, 29, 23, 59, 59, nano, ZoneOffset.ofHoursMinutes(5, 30)));
        v.put("local", LocalDateTime.of(1999, 12, 31, 23, 59, 59, nano));
        v.put("day", LocalDate.of(2000 + (int) (id % 100), 1, 1));
        v.put("flag", id % 2 == 0);
        v.put("ref", new UUID(random.nextLong(), random.nextLong()));
        v.put("blob", blob);
        v.put("ratio", id % 5 == 0 ? Double.NaN : random.nextDouble() * 1e-3);
        v.put("small", (short) (id % 2 == 0 ? Short.MIN_VALUE : Short.MAX_VALUE));
        v.put("whole", (int) -id);
        v.put("approx", id % 7 == 0 ? Float.POSITIVE_INFINITY : random.nextFloat());
        if (id % 4 == 0) {
            v.put("name", null);
            v.put("price", null);
        }
        return v;
    }

    private static List<String> contents(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM "
                + table + " t ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
