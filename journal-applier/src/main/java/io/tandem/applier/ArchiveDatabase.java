package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.storage.JournalPartition;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A journal archive in another PostgreSQL database: every archived row in {@code tandem_archive.journal} and one row
 * per archived partition in {@code tandem_archive.partitions}, both written in one transaction of the archive
 * database per partition, so a partition is there whole or not at all.
 *
 * <p>Why a database beside the directory: an archive that can be queried with SQL (what did this key look like in
 * March), backed up and replicated with the tools already run for databases, and replayed with no files to carry
 * between machines. The URL names the database and the login, never a password: the password comes from the
 * connecting machine's {@code ~/.pgpass} or the file {@code PGPASSFILE} names (the driver reads both), so the policy
 * table keeps no secret. One archive database holds the history of one source database: it records the source's
 * name and refuses another's, whose transaction ids would collide with it.
 */
final class ArchiveDatabase implements JournalArchive {
    static final String SCHEMA = "tandem_archive";
    private static final String CREATE = """
            CREATE SCHEMA IF NOT EXISTS tandem_archive;
            CREATE TABLE IF NOT EXISTS tandem_archive.partitions (
                to_txid     bigint      PRIMARY KEY,
                from_txid   bigint,
                rows        bigint      NOT NULL,
                source      text        NOT NULL,
                archived_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE IF NOT EXISTS tandem_archive.journal (%s)""".formatted(COLUMN_TYPES);

    private static final Pattern PASSWORD = Pattern.compile("[?&]password=", Pattern.CASE_INSENSITIVE);
    private final String url;

    /** @throws IllegalArgumentException if {@code url} is not a PostgreSQL JDBC URL, or carries a password */
    ArchiveDatabase(String url) {
        this.url = requireUrl(url);
    }

    /** {@code url} if it is a PostgreSQL JDBC URL without a password; the message never repeats the URL. */
    static String requireUrl(String url) {
        Properties properties = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
        if (properties == null) {
            throw new IllegalArgumentException("The archive URL must be a PostgreSQL JDBC URL, like"
                    + " jdbc:postgresql://host:5432/archive?user=tandem_archive");
        }
        if (PASSWORD.matcher(url).find()) { // not properties: the driver adds a password it finds in ~/.pgpass
            throw new IllegalArgumentException("The archive URL must not carry a password: the policy is kept in"
                    + " a table, which backups copy. Give the URL without it, and put the password in"
                    + " ~/.pgpass (or the file PGPASSFILE names) on each machine that runs an applier.");
        }
        return url;
    }

    /**
     * Connects once and creates the archive's tables if they are missing: what {@code tandem journal retention}
     * runs when the URL is set, so a wrong URL or a missing password is found then rather than at the first removal.
     */
    void check() throws SQLException {
        try (Connection archive = connect()) {
            ensureTables(archive);
        }
    }

    @Override
    public String store(Connection journal, JournalPartition p) throws SQLException {
        String source = sourceName(journal);
        try (Connection archive = connect()) {
            archive.setAutoCommit(false);
            try {
                ensureTables(archive);
                requireSource(archive, source);
                if (!listed(archive, p)) {
                    long rows = CopyStream.pipe(journal, "COPY (" + JournalArchive.rowsOf(p) + ") TO STDOUT (FORMAT csv)",
                            archive, "COPY tandem_archive.journal (" + COLUMNS + ") FROM STDIN (FORMAT csv)");
                    list(archive, p, rows, source);
                }
                archive.commit();
            } catch (SQLException | RuntimeException e) {
                archive.rollback();
                throw e;
            }
        }
        return url;
    }

    @Override
    public int loadInto(Connection target, String table, Consumer<String> progress) throws SQLException {
        try (Connection archive = connect()) {
            archive.setAutoCommit(false);
            archive.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // the list and the rows agree
            try (Statement s = archive.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT pg_catalog.to_regclass('tandem_archive.partitions') IS NOT NULL");
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new TandemException("No journal archive in " + url + ": it has no " + SCHEMA + ".partitions"
                            + " table. Give the database the retention policy archives into (tandem journal retention).");
                }
                rs = s.executeQuery("SELECT count(*), coalesce(sum(rows), 0) FROM tandem_archive.partitions");
                rs.next();
                int partitions = rs.getInt(1);
                long listed = rs.getLong(2);
                long rows = CopyStream.pipe(archive, "COPY tandem_archive.journal (" + COLUMNS + ") TO STDOUT (FORMAT csv)",
                        target, "COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT csv)");
                if (rows != listed) {
                    throw new TandemException("The journal archive in " + url + " holds " + rows + " rows where its "
                            + partitions + " partitions list " + listed + ": rows were added to or removed from "
                            + SCHEMA + ".journal since they were archived. Nothing was appended.");
                }
                progress.accept("loaded " + partitions + " partition(s), " + rows + " rows, from " + url);
                return partitions;
            } finally {
                archive.rollback();
            }
        }
    }

    private Connection connect() {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "tandem-archive");
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new TandemException("Could not connect to the journal archive database " + url + ": " + e.getMessage()
                    + ". Check that it is reachable from this machine and that the login's password is in ~/.pgpass (or"
                    + " the file PGPASSFILE names).", e);
        }
    }

    /** Creates the tables unless both are there: a login without CREATE on the database can use them then. */
    private static void ensureTables(Connection archive) throws SQLException {
        try (Statement s = archive.createStatement()) {
            boolean there;
            try (ResultSet rs = s.executeQuery("""
                    SELECT pg_catalog.to_regclass('tandem_archive.partitions') IS NOT NULL
                       AND pg_catalog.to_regclass('tandem_archive.journal') IS NOT NULL""")) {
                rs.next();
                there = rs.getBoolean(1);
            }
            if (!there) {
                s.execute(CREATE);
            }
        }
    }

    private void requireSource(Connection archive, String source) throws SQLException {
        try (PreparedStatement s = archive.prepareStatement(
                "SELECT source FROM tandem_archive.partitions WHERE source <> ? LIMIT 1")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    throw new TandemException("The journal archive database " + url + " holds the archive of database "
                            + rs.getString(1) + ", not of " + source + ": give each database an archive database of its"
                            + " own (tandem journal retention --archive-url). Nothing was removed.");
                }
            }
        }
    }

    private static boolean listed(Connection archive, JournalPartition p) throws SQLException {
        try (PreparedStatement s = archive.prepareStatement("SELECT 1 FROM tandem_archive.partitions WHERE to_txid = ?")) {
            s.setLong(1, p.to());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void list(Connection archive, JournalPartition p, long rows, String source) throws SQLException {
        try (PreparedStatement s = archive.prepareStatement(
                "INSERT INTO tandem_archive.partitions (to_txid, from_txid, rows, source) VALUES (?, ?, ?, ?)")) {
            s.setLong(1, p.to());
            s.setObject(2, p.from(), Types.BIGINT);
            s.setLong(3, rows);
            s.setString(4, source);
            s.executeUpdate();
        }
    }

    private static String sourceName(Connection journal) throws SQLException {
        try (Statement s = journal.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public String toString() {
        return url;
    }
}
