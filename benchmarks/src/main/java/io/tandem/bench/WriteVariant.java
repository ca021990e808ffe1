package io.tandem.bench;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One way of writing {@code n} new customers in the caller's transaction (the driver commits). The write-path
 * benchmark runs every variant side by side; a Hibernate variant (persist through the journal vs persist to the
 * physical tables, issue 5) plugs in here as two more implementations without touching the driver.
 */
interface WriteVariant {
    String name();

    /** Creates what the variant writes into (tables, triggers), once, before the first round. */
    void prepare(Connection c) throws SQLException;

    /** Writes customers {@code firstId .. firstId + n - 1}, uncommitted. */
    void write(Connection c, long firstId, int n) throws SQLException;
}
