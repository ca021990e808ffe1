package io.tandem.views;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * Runs SQL that may fail, or that creates objects, inside a savepoint that is always rolled back: the caller's
 * transaction carries on, and nothing is left behind. Session-level state (prepared statements) is the work's own
 * to clean up.
 */
final class Probe {
    /** Work to run on the connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** What the work returned, or the server's one-line error and its SQLSTATE when it failed. */
    record Outcome<T>(T value, String error, String sqlState) {
        boolean failed() {
            return error != null;
        }
    }

    private final Connection c;

    Probe(Connection c) {
        this.c = c;
    }

    <T> Outcome<T> run(Work<T> work) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        try {
            return new Outcome<>(work.run(c), null, null);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e; // the connection is gone: not a finding about the definition
            }
            return new Outcome<>(null, oneLine(e), e.getSQLState());
        } finally {
            c.rollback(savepoint);
            c.releaseSavepoint(savepoint);
        }
    }

    /** Runs {@code sql}; returns null if it succeeded, else the error. */
    String error(String sql) throws SQLException {
        return run(conn -> {
            try (var s = conn.createStatement()) {
                s.execute(sql);
            }
            return Boolean.TRUE;
        }).error();
    }

    /** The server's message without the driver's "ERROR: " prefix and its Position/Hint lines. */
    private static String oneLine(SQLException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
        return message.startsWith("ERROR: ") ? message.substring("ERROR: ".length()) : message;
    }
}
