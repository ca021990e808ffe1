package io.tandem.applier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes source transactions' journal rows into the physical tables, inside the caller's transaction, following
 * the live version definitions (docs/definitions.md).
 */
interface Projection {
    /**
     * The rows of {@code transactions} regrouped ({@link ApplyOrder}): groups of rows that compile to the same
     * statement, in the order to run them; per physical row and across foreign keys still in journal order; each
     * with its values ready to bind ({@link GroupWriter#plan}). Pure computation, no database: the pipeline runs it
     * on its own thread ({@link SlicePlanner}).
     */
    List<PlannedGroup> regroup(List<SourceTransaction> transactions);

    /**
     * Applies {@code groups} (from {@link #regroup}), each as one set-based statement or one JDBC batch. A
     * constraint the regrouping cannot see may refuse them where journal order would not.
     *
     * @return how many journal rows wrote nothing (an update or delete of a missing row, {@link MissedWrites})
     * @throws SQLException whatever the database refused; the caller rolls back
     */
    int apply(Connection c, List<PlannedGroup> groups) throws SQLException;

    /**
     * Applies every row of {@code transactions} in journal order, as JDBC batches of consecutive identical
     * statements.
     *
     * @return how many journal rows wrote nothing ({@link MissedWrites})
     * @throws SQLException whatever the database refused; the caller rolls back
     */
    int applyInJournalOrder(Connection c, List<SourceTransaction> transactions) throws SQLException;
}
