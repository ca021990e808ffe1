package io.tandem.applier;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The journal's retention policy as {@code tandem.journal_retention} holds it: how long each app keeps its applied
 * rows, and for the whole database the size cap, the archive directory and the partition width. Journal
 * maintenance reads it at every pass, so a change takes effect within one maintenance interval; nothing else needs
 * restarting.
 *
 * @param keepFor       per app ({@code ""}: every app without its own), how long applied rows are kept after their
 *                      partition is sealed
 * @param maxBytes      remove the oldest removable partitions while the journal is bigger than this; null: no cap
 * @param archiveDir    write each partition here before removing it; null: no archive
 * @param partitionXids transaction ids per new partition; null: sized from the observed rate
 */
public record RetentionPolicy(Map<String, Duration> keepFor, Long maxBytes, Path archiveDir, Long partitionXids) {
    /** The database's default when nobody set one: keep a day of applied history, no cap, no archive. */
    static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    /** The policy in {@code c}'s database. */
    public static RetentionPolicy read(Connection c) throws SQLException {
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

    /**
     * Sets the database's policy; a null argument leaves that setting as it is, {@code clear} names the settings to
     * reset (to no cap, no archive, adaptive width).
     *
     * @throws IllegalArgumentException for a keep shorter than five minutes, a cap or width below its minimum
     */
    public static void setDatabase(Connection c, Duration keepFor, Long maxBytes, Path archiveDir, Long partitionXids,
                                   java.util.Set<String> clear) throws SQLException {
        requireKeep(keepFor);
        if (maxBytes != null && maxBytes < 1) {
            throw new IllegalArgumentException("--max-size must be positive, got " + maxBytes + " bytes");
        }
        if (partitionXids != null && partitionXids < 100) {
            throw new IllegalArgumentException("--partition-xids must be at least 100, got " + partitionXids);
        }
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tandem.journal_retention
                   SET keep_for = coalesce(?::text::interval, keep_for),
                       max_bytes = CASE WHEN ? THEN NULL ELSE coalesce(?, max_bytes) END,
                       archive_dir = CASE WHEN ? THEN NULL ELSE coalesce(?, archive_dir) END,
                       partition_xids = CASE WHEN ? THEN NULL ELSE coalesce(?, partition_xids) END,
                       updated_at = now()
                 WHERE app = ''""")) {
            s.setString(1, keepFor == null ? null : keepFor.toSeconds() + " seconds");
            s.setBoolean(2, clear.contains("max-size"));
            s.setObject(3, maxBytes, java.sql.Types.BIGINT);
            s.setBoolean(4, clear.contains("archive-dir"));
            s.setString(5, archiveDir == null ? null : archiveDir.toAbsolutePath().toString());
            s.setBoolean(6, clear.contains("partition-xids"));
            s.setObject(7, partitionXids, java.sql.Types.BIGINT);
            s.executeUpdate();
        }
    }

    /** Sets how long {@code app} keeps its applied rows; null: back to the database's default. */
    public static void setApp(Connection c, String app, Duration keepFor) throws SQLException {
        if (keepFor == null) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM tandem.journal_retention WHERE app = ?")) {
                s.setString(1, app);
                s.executeUpdate();
            }
            return;
        }
        requireKeep(keepFor);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO tandem.journal_retention (app, keep_for) VALUES (?, ?::text::interval)
                ON CONFLICT (app) DO UPDATE SET keep_for = excluded.keep_for, updated_at = now()""")) {
            s.setString(1, app);
            s.setString(2, keepFor.toSeconds() + " seconds");
            s.executeUpdate();
        }
    }

    private static void requireKeep(Duration keepFor) {
        if (keepFor != null && keepFor.compareTo(Duration.ofMinutes(5)) < 0) {
            throw new IllegalArgumentException("--keep must be at least 5m (a fence asks about its own transaction"
                    + " within that), got " + keepFor);
        }
    }

    /** How long {@code app}'s applied rows are kept. */
    public Duration keepFor(String app) {
        return keepFor.getOrDefault(app, keepFor.get(""));
    }

    /** The shortest keep of all apps: new partitions span about an eighth of it, so removal comes in small steps. */
    Duration shortestKeep() {
        return keepFor.values().stream().min(Duration::compareTo).orElse(DEFAULT_KEEP);
    }
}
