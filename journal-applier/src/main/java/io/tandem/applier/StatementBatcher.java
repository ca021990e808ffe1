package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends projection statements as JDBC batches while keeping their order: consecutive rows that compile to the
 * same statement go into one batch; a different statement first flushes the batch before it.
 *
 * <p>Order matters (a customer is inserted before the order that references it), so this batcher never reorders:
 * it sends rows in the order it is given them, {@link ApplyOrder}'s regrouped order or journal order; the order is
 * its caller's decision. The driver keeps server-side prepared statements per connection by SQL text, so preparing
 * the same text again costs no parse.
 */
final class StatementBatcher implements AutoCloseable {
    private final Connection connection;
    private final MissedWrites missed;
    private final List<JournalEntry> entries = new ArrayList<>();
    private PreparedStatement current;
    private WriteStatement currentStatement;
    private String currentSql;

    StatementBatcher(Connection connection, MissedWrites missed) {
        this.connection = connection;
        this.missed = missed;
    }

    void add(WriteStatement statement, JournalEntry entry) throws SQLException {
        if (!statement.sql().equals(currentSql)) {
            flush();
            current = connection.prepareStatement(statement.sql());
            currentSql = statement.sql();
            currentStatement = statement;
        }
        bind(current, statement.params(), entry);
        current.addBatch();
        entries.add(entry);
    }

    void flush() throws SQLException {
        if (current == null) {
            return;
        }
        try {
            int[] counts = current.executeBatch();
            if (currentStatement.existingRow()) {
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) {
                        missed.missed(currentStatement, entries.get(i));
                    }
                }
            }
        } catch (java.sql.BatchUpdateException e) {
            throw e.getNextException() != null ? withState(e) : e;
        } finally {
            current.close();
            current = null;
            currentSql = null;
            currentStatement = null;
            entries.clear();
        }
    }

    private static void bind(PreparedStatement s, List<String> params, JournalEntry entry) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = entry.value(params.get(i));
            if (value == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (value instanceof byte[] bytes) {
                s.setBytes(i + 1, bytes);
            } else {
                s.setObject(i + 1, value);
            }
        }
    }

    /** The driver's batch exception says little; its next exception carries the server's message and state. */
    private static SQLException withState(java.sql.BatchUpdateException e) {
        SQLException next = e.getNextException();
        SQLException clear = new SQLException(next.getMessage(), next.getSQLState(), next.getErrorCode(), e);
        return clear;
    }

    @Override
    public void close() throws SQLException {
        if (current != null) {
            current.close();
            current = null;
            currentSql = null;
            currentStatement = null;
            entries.clear();
        }
    }
}
