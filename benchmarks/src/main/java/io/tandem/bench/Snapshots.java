package io.tandem.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/** The applier's committed position ({@code tandem.applier_state.applied_snapshot}) and visibility in it. */
final class Snapshots {
    private final long xmin;
    private final long xmax;
    private final Set<Long> inProgress;

    private Snapshots(long xmin, long xmax, Set<Long> inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    /** Parses pg_snapshot text {@code xmin:xmax:xip,xip,...}. */
    static Snapshots parse(String text) {
        String[] parts = text.split(":", -1);
        Set<Long> xip = new HashSet<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                xip.add(Long.parseLong(x));
            }
        }
        return new Snapshots(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    static Snapshots applied(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT applied_snapshot::text FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? parse(rs.getString(1)) : parse("1:1:");
            }
        }
    }

    /** Whether committed transaction {@code txid} is visible in this snapshot, i.e. applied. */
    boolean visible(long txid) {
        return txid < xmin || (txid < xmax && !inProgress.contains(txid));
    }
}
