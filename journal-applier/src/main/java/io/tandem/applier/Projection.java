package io.tandem.applier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes source transactions' journal rows into the physical tables, inside the caller's transaction, following
 * the live version definitions (BRIEF §4.2).
 */
interface Projection {
    /**
     * Applies every row of {@code transactions} as JDBC batches: in journal order, or with {@code regroup} in the
     * order of {@link ApplyOrder} (same statements adjacent; per physical row and across foreign keys still in
     * journal order), which a constraint the ordering cannot see may refuse where journal order would not.
     *
     * @throws SQLException whatever the database refused; the caller rolls back
     */
    void apply(Connection c, List<SourceTransaction> transactions, boolean regroup) throws SQLException;
}
