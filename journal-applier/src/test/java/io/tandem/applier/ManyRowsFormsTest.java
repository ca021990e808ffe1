package io.tandem.applier;

import io.tandem.core.DefinitionReader;
import io.tandem.core.JournalEntry;
import io.tandem.core.TandemSchema;
import io.tandem.core.VersionDefinition;
import io.tandem.orm.JournalWriter;
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
 * The set-based forms of a statement ({@link GroupWriter}: values read back from the journal on the server, or
 * bound as text arrays) write exactly what journal order with one bound statement per row writes, for every
 * field type, edge values included. Each form writes its own copy of the table from the same journal rows.
 */
@PostgresTest
class ManyRowsFormsTest {
    private static final String COLUMNS = "id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz,"
            + " local timestamp, day date, flag boolean, ref uuid, blob bytea, ratio double precision, small smallint,"
            + " whole integer, approx real";

    @Test
    void bothSetBasedFormsWriteWhatOneStatementPerRowWrites(TestDatabase db) throws Exception {
        VersionDefinition kinds = new DefinitionReader().read(definition(), "kinds.yaml");
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : List.of("by_row", "from_journal", "from_text")) {
                s.execute("CREATE TABLE " + table + " (" + COLUMNS + ")");
            }
        }
        Random random = new Random(7);
        List<JournalEntry> micro = new ArrayList<>();
        List<JournalEntry> nano = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            micro.add(insert("from_journal", id, values(random, id, false)));
            nano.add(insert("from_text", 1000 + id, values(random, 1000 + id, true)));
        }
        for (long id = 1; id <= 40; id += 3) {
            Map<String, Object> change = values(random, id, false);
            change.keySet().retainAll(List.of("name", "price", "ratio", "blob"));
            micro.add(JournalEntry.update("kinds", 1, "from_journal", Map.of("id", id), change, List.copyOf(change.keySet())));
        }
        List<SourceTransaction> microTx = journaled(db, kinds, micro);
        List<SourceTransaction> nanoTx = journaled(db, kinds, nano);
        List<SourceTransaction> byRowTx = new ArrayList<>();
        for (List<SourceTransaction> txs : List.of(microTx, nanoTx)) {
            for (SourceTransaction tx : txs) {
                List<JournalRow> rows = new ArrayList<>();
                for (JournalRow row : tx.rows()) {
                    JournalEntry e = row.entry();
                    rows.add(new JournalRow(row.seq(), row.txid(), new JournalEntry("kinds", 1, "by_row", e.op(),
                            e.key(), e.data(), e.changedFields(), null), null, null));
                }
                byRowTx.add(new SourceTransaction(tx.txid(), tx.maxSeq(), rows));
            }
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            SqlProjection projection = new SqlProjection(List.of(kinds), TableLinks.none());
            projection.apply(c, projection.regroup(microTx));
            projection.apply(c, projection.regroup(nanoTx));
            projection.applyInJournalOrder(c, byRowTx);
            c.commit();
            assertEquals(contents(c, "by_row", "id < 1000"), contents(c, "from_journal", "true"),
                    "values read back from the journal on the server");
            assertEquals(contents(c, "by_row", "id > 1000"), contents(c, "from_text", "true"),
                    "values bound as text arrays (sub-microsecond timestamps)");
            assertEquals(40, contents(c, "from_text", "true").size());
        }
    }

    private static String definition() {
        StringBuilder yaml = new StringBuilder("app: kinds\nversion: 1\nentities:\n");
        for (String table : List.of("by_row", "from_journal", "from_text")) {
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
        int nano = nanos ? 123_456_789 : 123_456_000;
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

    private static JournalEntry insert(String entity, long id, Map<String, Object> values) {
        return JournalEntry.insert("kinds", 1, entity, Map.of("id", id), values);
    }

    /** Appends the entries in one transaction; returns it as the reader would, with the real seqs. */
    private static List<SourceTransaction> journaled(TestDatabase db, VersionDefinition kinds, List<JournalEntry> entries)
            throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new JournalWriter(List.of(kinds)).append(c, entries);
            List<JournalRow> rows = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT seq FROM tandem.journal WHERE txid = pg_current_xact_id() ORDER BY seq")) {
                for (JournalEntry e : entries) {
                    rs.next();
                    rows.add(new JournalRow(rs.getLong(1), 1, e, null, null));
                }
            }
            c.commit();
            return List.of(new SourceTransaction(1, rows.get(rows.size() - 1).seq(), rows));
        }
    }

    private static List<String> contents(Connection c, String table, String where) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT row_to_json(t)::text FROM "
                + table + " t WHERE " + where + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
