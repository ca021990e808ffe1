package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
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
 * left once slices were regrouped. Each field's values go as one {@code text[]} parameter, cast on the server to
 * the declared type; the text of each value is what PostgreSQL's input function reads back to the same value.
 * Groups smaller than {@link #MIN_ROWS} go through the JDBC batch instead: for a few rows, planning the unnest
 * costs more than it saves.
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

    static void write(Connection c, ApplyOrder.Group group, MissedWrites missed) throws SQLException {
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
            int changed = s.executeUpdate();
            int rows = group.entries().size();
            if (statement.existingRow() && changed < rows) {
                missed.missed(statement, group.entries().get(0), rows - changed);
            }
        }
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
        if (value instanceof LocalDateTime t) {
            return Micros.round(t).toString();
        }
        if (value instanceof OffsetDateTime t) {
            return Micros.round(t).toString();
        }
        return value.toString(); // numbers, booleans, UUID, LocalDate: all read back exactly
    }
}
