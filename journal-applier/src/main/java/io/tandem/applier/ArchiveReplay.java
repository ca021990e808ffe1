package io.tandem.applier;

import io.tandem.core.TandemException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Replays a journal archive (the directory or database retention archives partitions into, {@link JournalArchive})
 * into another database's journal, where that database's applier projects it through its own definitions: the way
 * to rebuild a database from its history, or to apply one database's transactions to another.
 *
 * <p>How: the archive loads every row it holds into a temporary table ({@code COPY}, no parsing here) and refuses,
 * before anything is appended, if it cannot vouch for them (a file changed since, rows added or removed); then each
 * source transaction is appended as one transaction of the target, in the order of their largest seq across all
 * partitions (the order the applier gives a batch, which keeps every key's writes in commit order). The target must
 * have Tandem installed and every app version of the archive released ({@code tandem migrate} with the same
 * schemas); its applier does the rest. Replaying twice appends twice: replay into a database that has none of these
 * rows yet.
 */
public final class ArchiveReplay {
    private ArchiveReplay() {
    }

    /** What a replay appended. */
    public record Report(int partitions, long transactions, long rows) {
    }

    /**
     * Appends every transaction of the archive at {@code archive} (a directory, or a {@code jdbc:postgresql:} URL of
     * an archive database) to the journal of {@code target} (connecting as the journal's owner), reporting progress
     * lines to {@code progress}.
     *
     * @throws TandemException if the archive is missing, damaged or incomplete, or an app version is not released in
     *                         the target (nothing appended in any case)
     */
    public static Report replay(DataSource target, String archive, Consumer<String> progress) throws SQLException {
        JournalArchive source = JournalArchive.at(archive);
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(true);
            execute(c, "CREATE TEMP TABLE tandem_replay (" + JournalArchive.COLUMN_TYPES + ")");
            int partitions = source.loadInto(c, "tandem_replay", progress);
            requireReleased(c);
            execute(c, "CREATE INDEX ON tandem_replay (group_max, seq)");
            execute(c, "SET synchronous_commit = off");
            List<Long> transactions = transactions(c);
            long rows = append(c, transactions, progress);
            execute(c, "DROP TABLE tandem_replay");
            return new Report(partitions, transactions.size(), rows);
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
