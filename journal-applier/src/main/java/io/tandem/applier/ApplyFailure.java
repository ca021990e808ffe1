package io.tandem.applier;

import java.sql.SQLException;

/** Sorts a database error met while applying: the data's fault (reject it) or the moment's (retry it). */
final class ApplyFailure {
    private ApplyFailure() {
    }

    /**
     * Whether {@code e} says the rows themselves cannot be applied: a data exception (class 22), an integrity
     * violation (23), or an undefined or invalid object (42) — as opposed to a lost connection, a deadlock or a
     * serialization failure, which a retry from the committed position cures.
     */
    static boolean isDataProblem(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
    }
}
