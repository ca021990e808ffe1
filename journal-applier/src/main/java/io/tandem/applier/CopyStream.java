package io.tandem.applier;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Streams a {@code COPY ... TO STDOUT} of one connection into a {@code COPY ... FROM STDIN} of another, a buffer at
 * a time: how a partition reaches an archive database and an archive database reaches a replay, without holding
 * either in memory or parsing a row in Java.
 *
 * <p>Both connections stay usable whatever fails, since the sending one is often a pooled connection that goes on
 * serving the applier. So the receiving copy starts first (the usual failures — no privilege, a missing table —
 * come before anything is read); a receiving copy that fails is ended with the protocol's CopyFail; and a sending
 * copy cut short is read to its end, not cancelled: the driver's cancel leaves the rest of the copy unread on the
 * connection, to be taken by the next statement as its answer.
 */
final class CopyStream {
    private CopyStream() {
    }

    /** Runs both copies; returns the rows the receiving side took. */
    static long pipe(Connection from, String copyOut, Connection to, String copyIn) throws SQLException {
        CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
        CopyOut out;
        try {
            out = from.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut);
        } catch (SQLException | RuntimeException e) {
            endReceiving(in, e);
            throw e;
        }
        try {
            for (byte[] buffer = out.readFromCopy(); buffer != null; buffer = out.readFromCopy()) {
                in.writeToCopy(buffer, 0, buffer.length);
            }
            return in.endCopy();
        } catch (SQLException | RuntimeException e) {
            endReceiving(in, e);
            drain(out, e);
            throw e;
        }
    }

    private static void endReceiving(CopyIn in, Exception failure) {
        if (in.isActive()) {
            try {
                in.cancelCopy(); // CopyFail: the server ends the copy with an error and the connection goes on
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void drain(CopyOut out, Exception failure) {
        try {
            while (out.isActive() && out.readFromCopy() != null) {
                // the rest of the copy, discarded, so that the connection's next answer is its own
            }
        } catch (SQLException e) {
            failure.addSuppressed(e); // the sending connection itself failed: the pool discards it
        }
    }
}
