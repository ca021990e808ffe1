package io.tandem.applier;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The journal's retention policy as {@code tandem.journal_retention} holds it: how long each app keeps its applied
 * rows, and for the whole database the size cap, the archive directory and the partition width.
 *
 * @param keepFor       per app ({@code ""}: every app without its own), how long applied rows are kept after their
 *                      partition is sealed
 * @param maxBytes      remove the oldest removable partitions while the journal is bigger than this; null: no cap
 * @param archiveDir    write each partition here before removing it; null: no archive
 * @param partitionXids transaction ids per new partition; null: sized from the observed rate
 */
record RetentionPolicy(Map<String, Duration> keepFor, Long maxBytes, Path archiveDir, Long partitionXids) {
    /** The database's default when nobody set one: keep a day of applied history, no cap, no archive. */
    static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    static RetentionPolicy read(Connection c) throws SQLException {
        Map<String, Duration> keep = new HashMap<>();
        Long maxBytes = null;
        Path archive = null;
        Long xids = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT app, extract(epoch FROM keep_for)::bigint, max_bytes, archive_dir, partition_xids
                  FROM tandem.journal_retention""")) {
            while (rs.next()) {
                String app = rs.getString(1);
                long seconds = rs.getLong(2);
                if (!rs.wasNull()) {
                    keep.put(app, Duration.ofSeconds(seconds));
                }
                if (app.isEmpty()) {
                    maxBytes = (Long) rs.getObject(3);
                    archive = rs.getString(4) == null ? null : Path.of(rs.getString(4));
                    xids = (Long) rs.getObject(5);
                }
            }
        }
        keep.putIfAbsent("", DEFAULT_KEEP);
        return new RetentionPolicy(Map.copyOf(keep), maxBytes, archive, xids);
    }

    /** How long {@code app}'s applied rows are kept. */
    Duration keepFor(String app) {
        return keepFor.getOrDefault(app, keepFor.get(""));
    }

    /** The shortest keep of all apps: new partitions span about an eighth of it, so removal comes in small steps. */
    Duration shortestKeep() {
        return keepFor.values().stream().min(Duration::compareTo).orElse(DEFAULT_KEEP);
    }
}
