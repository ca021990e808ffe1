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
     * Applies every row of {@code transactions}, in order, as JDBC batches.
     *
     * @throws SQLException whatever the database refused; the caller rolls back
     */
    void apply(Connection c, List<SourceTransaction> transactions) throws SQLException;
}
