package io.tandem.views;

import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.views.TableShape.q;

/**
 * Copies the tables a release changes into its build schema, from ONE snapshot that also holds the live applier's
 * committed position: the copy is exactly "the journal applied up to that position", which is where the release
 * track starts from.
 *
 * <p>Why one transaction: the copy, the build's indexes and keys, and the position it stands for commit together,
 * so a copy killed halfway leaves nothing behind (it is started again); and a {@code REPEATABLE READ} transaction
 * is the snapshot, with no exported snapshot to keep alive. The live tables are only read ({@code ACCESS SHARE},
 * which no reader or writer waits on); rows go over in chunks of pages ({@code ctid} ranges, a TID range scan), so
 * the copy can be throttled and reports progress. Indexes are built after the rows, on tables nobody reads.
 */
final class BuildCopy {
    /** Name of the one-row table in the build schema recording the position the copy stands for. */
    static final String POSITION_TABLE = "tandem_build_position";
    private static final long CHUNK_ROWS = 20_000;

    private final DataSource dataSource;
    private final MigrationProgress progress;
    private final BuildThrottle throttle;

    BuildCopy(DataSource dataSource, MigrationProgress progress, BuildThrottle throttle) {
        this.dataSource = dataSource;
        this.progress = progress;
        this.throttle = throttle;
    }

    /** Copies {@code release}'s tables; returns the rows copied. */
    long run(ReleaseState release, long estimatedRows) throws SQLException {
        try (Connection c = dataSource.getConnection(); Connection side = dataSource.getConnection()) {
            side.setAutoCommit(true);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                for (int attempt = 1; ; attempt++) {
                    Long rows = copy(c, side, release, estimatedRows);
                    if (rows != null) {
                        c.commit();
                        return rows;
                    }
                    c.rollback(); // the live applier was mid-batch: take the snapshot again at a batch boundary
                    if (attempt % 50 == 1) {
                        progress.step("copy waits for the live applier to finish a batch");
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    /**
     * The copy in {@code c}'s transaction; null, copying nothing, when the snapshot caught the live applier in the
     * middle of a batch: the release track starts from a completed batch, never ahead of the live one.
     */
    private Long copy(Connection c, Connection side, ReleaseState release, long estimatedRows) throws SQLException {
        ApplierPosition position = TrackRow.live(release.app()).position(c); // the transaction's snapshot starts here
        if (position.batch() != null) {
            return null;
        }
        String live = release.liveSchema();
        String build = release.buildSchema();
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + q(build) + " CASCADE");
            s.execute("CREATE SCHEMA " + q(build));
        }
        Progress meter = new Progress(estimatedRows);
        long copied = 0;
        for (String table : release.tables()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + q(build) + "." + q(table) + " (LIKE " + q(live) + "." + q(table)
                        + " INCLUDING ALL EXCLUDING INDEXES)");
            }
            sameOwner(c, live, build, table);
            copied += rows(c, side, release, table, meter);
        }
        progress.step("Copied " + String.format("%,d", copied) + " row(s); building indexes and keys on the build");
        for (String table : release.tables()) {
            try (Statement s = c.createStatement()) {
                for (String sql : TableShape.indexes(c, live, build, table)) {
                    s.execute(sql);
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (TableShape.ForeignKey fk : TableShape.foreignKeys(c, live, release.tables())) {
                if (release.tables().contains(fk.table()) && release.tables().contains(fk.references())) {
                    s.execute(fk.add(build, build, false));
                }
            }
            for (String table : release.tables()) {
                s.execute("ANALYZE " + q(build) + "." + q(table));
            }
            s.execute("CREATE TABLE " + q(build) + "." + POSITION_TABLE + " (applied_snapshot pg_snapshot NOT NULL,"
                    + " batch_snapshot pg_snapshot, batch_done_seq bigint, copied_rows bigint NOT NULL)");
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + q(build) + "." + POSITION_TABLE
                + " VALUES (?::pg_snapshot, NULL, NULL, ?)")) {
            s.setString(1, position.applied().toString());
            s.setLong(2, copied);
            s.executeUpdate();
        }
        return copied;
    }

    private long rows(Connection c, Connection side, ReleaseState release, String table, Progress meter)
            throws SQLException {
        String from = q(release.liveSchema()) + "." + q(table);
        long pages;
        double rowsPerPage;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.pg_relation_size(?::regclass)"
                + " / current_setting('block_size')::bigint, CASE WHEN c.relpages > 0 AND c.reltuples > 0"
                + " THEN c.reltuples / c.relpages ELSE 100 END FROM pg_catalog.pg_class c WHERE c.oid = ?::regclass")) {
            s.setString(1, from);
            s.setString(2, from);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
                rowsPerPage = Math.max(1, rs.getDouble(2));
            }
        }
        long chunkRows = throttle.rowsPerSecond() > 0 ? Math.min(CHUNK_ROWS, Math.max(1, throttle.rowsPerSecond() / 4))
                : CHUNK_ROWS; // a paced copy goes in about four chunks a second, so its pace is even
        long step = Math.max(1, (long) (chunkRows / rowsPerPage));
        String columns = String.join(", ", TableShape.columns(c, release.liveSchema(), table));
        String insert = "INSERT INTO " + q(release.buildSchema()) + "." + q(table) + " (" + columns
                + ") OVERRIDING SYSTEM VALUE SELECT " + columns + " FROM " + from + " WHERE ctid >= ?::text::tid";
        long total = 0;
        try (PreparedStatement chunk = c.prepareStatement(insert + " AND ctid < ?::text::tid");
             PreparedStatement last = c.prepareStatement(insert)) {
            for (long page = 0; ; page += step) {
                throttle.await(side, release.app(), meter);
                boolean lastChunk = page + step >= pages;
                PreparedStatement s = lastChunk ? last : chunk;
                s.setString(1, "(" + page + ",0)");
                if (!lastChunk) {
                    s.setString(2, "(" + (page + step) + ",0)");
                }
                int n = s.executeUpdate();
                total += n;
                meter.add(table, n, progress);
                if (lastChunk) {
                    return total; // the last chunk is open-ended: pages added since the size was read are included
                }
            }
        }
    }


    /** Gives the copy the live table's owner, so that whoever wrote the live table may write the built one. */
    private static void sameOwner(Connection c, String live, String build, String table) throws SQLException {
        String owner;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(relowner)),"
                + " pg_catalog.pg_get_userbyid(relowner) = current_user FROM pg_catalog.pg_class"
                + " WHERE oid = pg_catalog.to_regclass(?)")) {
            s.setString(1, q(live) + "." + q(table));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getBoolean(2)) {
                    return;
                }
                owner = rs.getString(1);
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + q(build) + "." + q(table) + " OWNER TO " + owner);
        } catch (SQLException e) {
            throw new SQLException("The copy of table " + table + " cannot be given to its owner " + owner + " ("
                    + e.getMessage() + "); run tandem migrate as " + owner + " or a member of it", e.getSQLState(), e);
        }
    }

    /** The position the committed copy of {@code build} stands for, or null when no copy committed. */
    static ApplierPosition copiedPosition(Connection c, String build) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            s.setString(1, q(build) + "." + POSITION_TABLE);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return null;
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT applied_snapshot::text,"
                + " batch_snapshot::text, batch_done_seq FROM " + q(build) + "." + POSITION_TABLE)) {
            return rs.next() ? ApplierPosition.parse(rs.getString(1), rs.getString(2), rs.getLong(3)) : null;
        }
    }

    /** Rows copied so far, their rate, and the time left, reported about once a second. */
    static final class Progress {
        private final long estimated;
        private final long started = System.nanoTime();
        private long copied;
        private long reported;

        Progress(long estimated) {
            this.estimated = Math.max(estimated, 1);
        }

        long copied() {
            return copied;
        }

        double rowsPerSecond() {
            double seconds = (System.nanoTime() - started) / 1e9;
            return seconds <= 0 ? 0 : copied / seconds;
        }

        void add(String table, long rows, MigrationProgress progress) {
            copied += rows;
            long now = System.nanoTime();
            if (now - reported > TimeUnit.SECONDS.toNanos(1)) {
                reported = now;
                double rate = rowsPerSecond();
                long left = Math.max(0, estimated - copied);
                progress.step(String.format("copy %s: %,d / ~%,d rows (%d%%), %,.0f rows/s, ETA %s", table, copied,
                        estimated, Math.min(100, copied * 100 / estimated), rate,
                        rate <= 0 ? "?" : (long) Math.ceil(left / rate) + " s"));
            }
        }
    }
}
