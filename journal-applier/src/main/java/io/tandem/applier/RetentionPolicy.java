package io.tandem.applier;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The journal's retention policy as {@code tandem.journal_retention} holds it: how long each app keeps its applied
 * rows, and for the whole database the size cap, the archive (a directory or a database) and the partition
 * width. Journal maintenance reads it at every pass, so a change takes effect within one maintenance interval;
 * nothing else needs restarting.
 *
 * @param keepFor       per app ({@code ""}: every app without its own), how long applied rows are kept after their
 *                      partition is sealed
 * @param maxBytes      remove the oldest removable partitions while the journal is bigger than this; null: no cap
 * @param archiveDir    write each partition to this directory before removing it; null: not to a directory
 * @param archiveUrl    write each partition to this archive database before removing it (a {@code jdbc:postgresql:}
 *                      URL without a password); null: not to a database. At most one of the two is set.
 * @param partitionXids transaction ids per new partition; null: sized from the observed rate
 */
public record RetentionPolicy(Map<String, Duration> keepFor, Long maxBytes, Path archiveDir, String archiveUrl,
                              Long partitionXids) {
    /** The database's default when nobody set one: keep a day of applied history, no cap, no archive. */
    static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    /** The policy in {@code c}'s database. */
    public static RetentionPolicy read(Connection c) throws SQLException {
        Map<String, Duration> keep = new HashMap<>();
        Long maxBytes = null;
        Path archive = null;
        String archiveUrl = null;
        Long xids = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT app, extract(epoch FROM keep_for)::bigint, max_bytes, archive_dir, partition_xids, archive_url
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
                    archiveUrl = rs.getString(6);
                }
            }
        }
        keep.putIfAbsent("", DEFAULT_KEEP);
        return new RetentionPolicy(Map.copyOf(keep), maxBytes, archive, archiveUrl, xids);
    }

    /**
     * Sets the database's policy; a null argument leaves that setting as it is, {@code clear} names the settings to
     * reset (to no cap, no archive, adaptive width). An archive URL is tried before it is set: this connects to the
     * archive database, creates its tables if missing and checks they hold no other database's history.
     *
     * @throws IllegalArgumentException for a keep shorter than five minutes, a cap or width below its minimum, an
     *                                  archive URL that is not a PostgreSQL one or carries a password, or two archives
     * @throws io.tandem.core.TandemException if the archive database cannot be reached from here
     */
    public static void setDatabase(Connection c, Duration keepFor, Long maxBytes, Path archiveDir, String archiveUrl,
                                   Long partitionXids, Set<String> clear) throws SQLException {
        requireKeep(keepFor);
        if (maxBytes != null && maxBytes < 1) {
            throw new IllegalArgumentException("--max-size must be positive, got " + maxBytes + " bytes");
        }
        if (partitionXids != null && partitionXids < 100) {
            throw new IllegalArgumentException("--partition-xids must be at least 100, got " + partitionXids);
        }
        requireOneArchive(read(c), archiveDir, archiveUrl, clear);
        if (archiveUrl != null) {
            new ArchiveDatabase(archiveUrl).check(c);
        }
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tandem.journal_retention
                   SET keep_for = coalesce(?::text::interval, keep_for),
                       max_bytes = CASE WHEN ? THEN NULL ELSE coalesce(?, max_bytes) END,
                       archive_dir = CASE WHEN ? THEN NULL ELSE coalesce(?, archive_dir) END,
                       archive_url = CASE WHEN ? THEN NULL ELSE coalesce(?, archive_url) END,
                       partition_xids = CASE WHEN ? THEN NULL ELSE coalesce(?, partition_xids) END,
                       updated_at = now()
                 WHERE app = ''""")) {
            s.setString(1, keepFor == null ? null : keepFor.toSeconds() + " seconds");
            s.setBoolean(2, clear.contains("max-size"));
            s.setObject(3, maxBytes, Types.BIGINT);
            s.setBoolean(4, clear.contains("archive-dir"));
            s.setString(5, archiveDir == null ? null : archiveDir.toAbsolutePath().toString());
            s.setBoolean(6, clear.contains("archive-url"));
            s.setString(7, archiveUrl);
            s.setBoolean(8, clear.contains("partition-xids"));
            s.setObject(9, partitionXids, Types.BIGINT);
            s.executeUpdate();
        }
    }

    /** Refuses a change that would leave the policy with a directory and a database to archive into. */
    private static void requireOneArchive(RetentionPolicy now, Path archiveDir, String archiveUrl, Set<String> clear) {
        if (archiveDir != null && archiveUrl != null) {
            throw new IllegalArgumentException("--archive-dir and --archive-url: retention archives to one place,"
                    + " give one of them");
        }
        if (archiveUrl != null && now.archiveDir() != null && !clear.contains("archive-dir")) {
            throw new IllegalArgumentException("The policy archives to " + now.archiveDir() + " already: retention"
                    + " archives to one place. Add --clear archive-dir to archive to the database instead.");
        }
        if (archiveDir != null && now.archiveUrl() != null && !clear.contains("archive-url")) {
            throw new IllegalArgumentException("The policy archives to " + now.archiveUrl() + " already: retention"
                    + " archives to one place. Add --clear archive-url to archive to the directory instead.");
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
                    + " within that), got " + (keepFor.toSeconds() % 60 == 0 ? keepFor.toMinutes() + "m"
                    : keepFor.toMillis() + "ms"));
        }
    }

    /** Where partitions are archived before they are removed: the directory or the database's URL; null: nowhere. */
    public String archiveLocation() {
        return archiveDir != null ? archiveDir.toString() : archiveUrl;
    }

    /** The archive partitions are written to before they are removed; null: none. */
    JournalArchive archive() {
        return archiveLocation() == null ? null : JournalArchive.at(archiveLocation());
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
