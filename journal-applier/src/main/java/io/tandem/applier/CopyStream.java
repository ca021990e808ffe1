package io.tandem.applier;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Streams a {@code COPY ... TO STDOUT} of one connection into a {@code COPY ... FROM STDIN} of another, a buffer at
 * a time: how a partition reaches an archive database and an archive database reaches a replay, without holding
 * either in memory or parsing a row in Java.
 */
final class CopyStream {
    private CopyStream() {
    }

    /** Runs both copies; returns the rows the receiving side took. On failure, both copies are cancelled. */
    static long pipe(Connection from, String copyOut, Connection to, String copyIn) throws SQLException {
        CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut);
        CopyIn in = null;
        try {
            in = to.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
            for (byte[] buffer = out.readFromCopy(); buffer != null; buffer = out.readFromCopy()) {
                in.writeToCopy(buffer, 0, buffer.length);
            }
            return in.endCopy();
        } catch (SQLException e) {
            cancel(out, in, e);
            throw e;
        }
    }

    private static void cancel(CopyOut out, CopyIn in, SQLException failure) {
        for (CopyOperation copy : new CopyOperation[] {out, in}) {
            if (copy != null && copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
