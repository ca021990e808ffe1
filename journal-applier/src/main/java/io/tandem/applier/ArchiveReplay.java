package io.tandem.applier;

import io.tandem.core.TandemException;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Replays a journal archive (the directory retention archives partitions into) into another database's journal,
 * where that database's applier projects it through its own definitions: the way to rebuild a database from its
 * history, or to apply one database's transactions to another.
 *
 * <p>How: every file named by the manifest is checked against its checksum and loaded into a temporary table
 * ({@code COPY}, no parsing here); then each source transaction is appended as one transaction of the target, in
 * the order of their largest seq across all files (the order the applier gives a batch, which keeps every key's
 * writes in commit order). The target must have Tandem installed and every app version of the archive released
 * ({@code tandem migrate} with the same schemas); its applier does the rest. Replaying twice appends twice: replay
 * into a database that has none of these rows yet.
 */
public final class ArchiveReplay {
    private ArchiveReplay() {
    }

    /** What a replay appended. */
    public record Report(int files, long transactions, long rows) {
    }

    /**
     * Appends every transaction of the archive in {@code dir} to the journal of {@code target} (connecting as the
     * journal's owner), reporting progress lines to {@code progress}.
     *
     * @throws TandemException if the manifest or a file is missing or damaged, or an app version is not released in
     *                         the target (nothing appended in either case)
     */
    public static Report replay(DataSource target, Path dir, Consumer<String> progress) throws SQLException {
        ArchiveManifest manifest = manifest(dir);
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(true);
            execute(c, "CREATE TEMP TABLE tandem_replay (seq bigint, txid xid8, app text, app_version int,"
                    + " entity text, op text, key jsonb, data jsonb, changed text[], origin text,"
                    + " written_at timestamptz, group_max bigint)");
            for (ArchiveManifest.Entry entry : manifest.partitions()) {
                load(c, dir, entry);
                progress.accept("loaded " + entry.file() + " (" + entry.rows() + " rows)");
            }
            requireReleased(c);
            execute(c, "CREATE INDEX ON tandem_replay (group_max, seq)");
            execute(c, "SET synchronous_commit = off");
            List<Long> transactions = transactions(c);
            long rows = append(c, transactions, progress);
            execute(c, "DROP TABLE tandem_replay");
            return new Report(manifest.partitions().size(), transactions.size(), rows);
        }
    }

    private static ArchiveManifest manifest(Path dir) {
        if (!Files.exists(dir.resolve(ArchiveManifest.FILE))) {
            throw new TandemException("No journal archive in " + dir + ": it has no " + ArchiveManifest.FILE
                    + ". Give the directory the retention policy archives into (tandem journal retention).");
        }
        try {
            return ArchiveManifest.read(dir);
        } catch (IOException e) {
            throw new TandemException("Could not read " + dir.resolve(ArchiveManifest.FILE) + ": " + e.getMessage(), e);
        }
    }

    private static void load(Connection c, Path dir, ArchiveManifest.Entry entry) throws SQLException {
        Path file = dir.resolve(entry.file());
        MessageDigest sha = PartitionArchive.sha256();
        long rows;
        try (InputStream in = new GZIPInputStream(new DigestInputStream(Files.newInputStream(file), sha), 1 << 16)) {
            rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY tandem_replay (" + PartitionArchive.COLUMNS
                    + ") FROM STDIN (FORMAT csv, HEADER true)", in);
            in.transferTo(java.io.OutputStream.nullOutputStream()); // the gzip trailer, into the checksum
        } catch (IOException e) {
            throw new TandemException("Could not read archive file " + file + ": " + e.getMessage()
                    + ". Nothing was appended.", e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(entry.sha256()) || rows != entry.rows()) {
            throw new TandemException("Archive file " + file + " does not match " + ArchiveManifest.FILE + " (sha256 "
                    + actual + ", " + rows + " rows; the manifest says " + entry.sha256() + ", " + entry.rows()
                    + " rows): it was changed or truncated. Nothing was appended.");
        }
    }

    private static void requireReleased(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT string_agg(DISTINCT r.app || ' v' || r.app_version, ', ')
                  FROM tandem_replay r
                 WHERE NOT EXISTS (SELECT 1 FROM tandem.versions v WHERE v.app = r.app AND v.version = r.app_version)""")) {
            rs.next();
            if (rs.getString(1) != null) {
                throw new TandemException("The archive holds rows of " + rs.getString(1) + ", not released in the"
                        + " target database: release them there first (tandem migrate --schemas DIR, with the"
                        + " schemas the archive was written with). Nothing was appended.");
            }
        }
    }

    private static List<Long> transactions(Connection c) throws SQLException {
        List<Long> groups = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT group_max FROM tandem_replay ORDER BY group_max")) {
            while (rs.next()) {
                groups.add(rs.getLong(1));
            }
        }
        return groups;
    }

    private static long append(Connection c, List<Long> transactions, Consumer<String> progress) throws SQLException {
        long rows = 0;
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed, origin)
                SELECT app, app_version, entity, op, key, data, changed, origin
                  FROM tandem_replay WHERE group_max = ? ORDER BY seq""")) {
            int done = 0;
            for (long group : transactions) {
                s.setLong(1, group);
                rows += s.executeUpdate();
                c.commit();
                if (++done % 10_000 == 0) {
                    progress.accept("appended " + done + " of " + transactions.size() + " transactions");
                }
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        return rows;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
