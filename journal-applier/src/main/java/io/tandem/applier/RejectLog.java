package io.tandem.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Copies every journal row of a rejected source transaction to {@code tandem.rejects}, with the reason. */
final class RejectLog {
    private final String app;

    RejectLog(String app) {
        this.app = app;
    }

    void record(Connection c, long txid, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tandem.rejects (app, txid, seq, entry, reason)"
                + " SELECT app, txid, seq, to_jsonb(j), ? FROM tandem.journal j"
                + " WHERE app = ? AND txid = ?::text::xid8 ORDER BY seq")) {
            s.setString(1, reason);
            s.setString(2, app);
            s.setString(3, Long.toString(txid));
            s.executeUpdate();
        }
    }
}
