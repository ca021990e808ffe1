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
 *
 * <p>The text arrays are made by {@link #plan} on the planner thread, not by {@link #write} on the apply thread:
 * the apply thread is the pipeline's bottleneck, and checking, looking up and spelling every value was a quarter of
 * the planner and apply threads' CPU samples (JFR, applier benchmark).
 */
final class GroupWriter {
    static final int MIN_ROWS = 8;

    private GroupWriter() {
    }

    /**
     * The group's values as one text array per field of its many-rows statement, or {@code null} when the group goes
     * through the JDBC batch instead: fewer than {@link #MIN_ROWS} rows, or a value that would not read back exactly
     * from its text (a date outside years 1–9999, which java.time spells with a sign). Pure computation: the pipeline
     * runs it on the planner thread, so the apply thread only binds the arrays.
     */
    static PlannedGroup plan(ApplyOrder.Group group) {
        List<JournalEntry> entries = group.entries();
        if (entries.size() < MIN_ROWS) {
            return new PlannedGroup(group, null);
        }
        List<String> fields = group.statement().manyParams();
        String[][] columns = new String[fields.size()][entries.size()];
        for (int i = 0; i < fields.size(); i++) {
            for (int r = 0; r < entries.size(); r++) {
                Object value = entries.get(r).value(fields.get(i));
                if (!readsBackFromText(value)) {
                    return new PlannedGroup(group, null);
                }
                columns[i][r] = text(value);
            }
        }
        return new PlannedGroup(group, columns);
    }

    private static boolean readsBackFromText(Object value) {
        if (value instanceof TemporalAccessor t && t.isSupported(ChronoField.YEAR)) {
            int year = t.get(ChronoField.YEAR);
            return year >= 1 && year <= 9999;
        }
        return true;
    }

    /** Writes a group {@link #plan} gave text arrays, with its statement's many-rows form. */
    static void write(Connection c, PlannedGroup planned, MissedWrites missed) throws SQLException {
        ApplyOrder.Group group = planned.group();
        WriteStatement statement = group.statement();
        try (PreparedStatement s = c.prepareStatement(statement.manySql())) {
            String[][] columns = planned.columns();
            for (int i = 0; i < columns.length; i++) {
                s.setArray(i + 1, c.createArrayOf("text", columns[i]));
            }
            int changed = s.executeUpdate();
            int rows = group.entries().size();
            if (statement.existingRow() && changed < rows) {
                missed.missed(statement, group.entries().get(0), rows - changed);
            }
        }
    }

    /** A value as the text PostgreSQL's input function of the declared type reads back, or null. */
    private static String text(Object value) {
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
