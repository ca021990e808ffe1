package io.tandem.applier;

import io.tandem.core.JournalEntry;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a group of rows that compile to the same statement ({@link ApplyOrder.Group}) with the statement's
 * many-rows form: one round trip and one statement execution for the whole group, as a hand-written
 * {@code INSERT ... SELECT} or {@code UPDATE ... FROM} would, instead of one execution per row.
 *
 * <p>Why: the applier benchmark showed per-row statement execution on the server, not round trips, as the cost
 * left once slices were regrouped. Two ways to hand the values over:
 * <ul>
 *   <li>{@link WriteStatement#journalSql}: only the rows' seqs go, one {@code bigint[]}; the server reads each field
 *       from the journal row as {@code JournalEntry#value} does and casts it to the declared type. No value crosses
 *       the wire a second time, nothing is printed or parsed as text. Used when every value reads back the same
 *       from the journal's JSON as from the decoded entry: timestamps with a sub-microsecond fraction are not (the
 *       decoder and the server could round a tie differently), so such a group takes the other way;</li>
 *   <li>{@link WriteStatement#manySql}: each field's values as one {@code text[]} parameter, cast on the server;
 *       the text of each value is what PostgreSQL's input function reads back to the same value.</li>
 * </ul>
 * Groups smaller than {@link #MIN_ROWS} go through the JDBC batch instead: for a few rows, planning the set-based
 * statement costs more than it saves.
 */
final class GroupWriter {
    static final int MIN_ROWS = 8;

    private GroupWriter() {
    }

    /**
     * Whether every value of the group reads back exactly from its text: dates outside years 1–9999 (which
     * java.time spells with a sign) go through the JDBC batch instead.
     */
    static boolean canWrite(ApplyOrder.Group group) {
        for (JournalEntry entry : group.entries()) {
            for (String field : group.statement().manyParams()) {
                if (entry.value(field) instanceof TemporalAccessor t && t.isSupported(ChronoField.YEAR)) {
                    int year = t.get(ChronoField.YEAR);
                    if (year < 1 || year > 9999) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static void write(Connection c, ApplyOrder.Group group) throws SQLException {
        if (readsBackFromJournal(group)) {
            try (PreparedStatement s = c.prepareStatement(group.statement().journalSql())) {
                s.setArray(1, c.createArrayOf("int8", group.seqs().toArray()));
                s.executeUpdate();
            }
            return;
        }
        WriteStatement statement = group.statement();
        try (PreparedStatement s = c.prepareStatement(statement.manySql())) {
            List<String> fields = statement.manyParams();
            for (int i = 0; i < fields.size(); i++) {
                String[] values = new String[group.entries().size()];
                for (int r = 0; r < values.length; r++) {
                    values[r] = text(group.entries().get(r), fields.get(i));
                }
                s.setArray(i + 1, c.createArrayOf("text", values));
            }
            s.executeUpdate();
        }
    }

    /** Whether no value of the group has a time fraction finer than a microsecond (see the class comment). */
    private static boolean readsBackFromJournal(ApplyOrder.Group group) {
        for (JournalEntry entry : group.entries()) {
            for (String field : group.statement().manyParams()) {
                if (entry.value(field) instanceof TemporalAccessor t && t.isSupported(ChronoField.NANO_OF_SECOND)
                        && t.get(ChronoField.NANO_OF_SECOND) % 1000 != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A field's value as the text PostgreSQL's input function of the declared type reads back, or null. */
    private static String text(JournalEntry entry, String field) {
        Object value = entry.value(field);
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString(); // numbers, booleans, UUID, ISO-8601 java.time values: all read back exactly
    }
}
