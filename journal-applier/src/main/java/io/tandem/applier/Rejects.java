package io.tandem.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rejected transactions as an operator deals with them: a rejected transaction's journal rows are kept, whatever
 * the retention policy says, until it is marked resolved (the operator looked at it in {@code tandem.rejects} and
 * fixed or accepted it).
 */
public final class Rejects {
    private Rejects() {
    }

    /**
     * Marks the unresolved rejects of {@code app} resolved: of transaction {@code txid}, or all when it is null.
     *
     * @return how many reject rows it marked
     */
    public static int resolve(Connection c, String app, Long txid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tandem.rejects SET resolved_at = now()
                 WHERE app = ? AND resolved_at IS NULL AND (?::text IS NULL OR txid = ?::text::xid8)""")) {
            s.setString(1, app);
            s.setString(2, txid == null ? null : txid.toString());
            s.setString(3, txid == null ? null : txid.toString());
            return s.executeUpdate();
        }
    }
}
