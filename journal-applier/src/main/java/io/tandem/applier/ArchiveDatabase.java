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
 * A journal archive in another PostgreSQL database: every archived row in {@code tandem_archive.journal}, tagged with
 * its partition's upper bound, and one row per archived partition in {@code tandem_archive.partitions}, both written
 * in one transaction of the archive database per partition (committed with {@code synchronous_commit} on), so a
 * partition is there whole or not at all before the journal drops it.
 *
 * <p>Why a database beside the directory: an archive that can be queried with SQL (what did this key look like in
 * March), backed up and replicated with the tools already run for databases, and replayed with no files to carry
 * between machines. The URL names the database and the login, never a password: the password comes from the
 * connecting machine's {@code ~/.pgpass} or the file {@code PGPASSFILE} names (the driver reads both), so the policy
 * table keeps no secret. One archive database holds the history of one source database, identified by its name and
 * the identity Tandem gave it at install ({@code tandem.journal_maintenance.source_id}): another source's
 * transaction ids would collide with its own.
 */
final class ArchiveDatabase implements JournalArchive {
    static final String SCHEMA = "tandem_archive";
    /** The archive's tables; {@code docs/retention.md} prints the same, for a login that may not create them. */
    static final String CREATE = """
            CREATE SCHEMA IF NOT EXISTS tandem_archive;
            CREATE TABLE IF NOT EXISTS tandem_archive.partitions (
                to_txid     bigint      PRIMARY KEY,
                from_txid   bigint,
                rows        bigint      NOT NULL,
                source      text        NOT NULL,
                archived_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE IF NOT EXISTS tandem_archive.journal (partition_to bigint NOT NULL, %s)"""
            .formatted(COLUMN_TYPES);
    private static final Pattern PASSWORD = Pattern.compile("[?&](ssl)?password=", Pattern.CASE_INSENSITIVE);
    /** How long a pass waits for the archive: to connect, for each answer, for a lock on its tables. */
    private static final int CONNECT_SECONDS = 10;
    private static final int ANSWER_SECONDS = 600;
    private static final String LOCK_TIMEOUT = "10s";

    private final String url;

    /** @throws IllegalArgumentException if {@code url} is not a PostgreSQL JDBC URL, or carries a password */
    ArchiveDatabase(String url) {
        this.url = requireUrl(url);
    }

    /** {@code url} if it is a PostgreSQL JDBC URL without a password; the message never repeats the URL. */
    static String requireUrl(String url) {
        Properties properties = url.startsWith("jdbc:postgresql:") ? Driver.parseURL(url, null) : null;
        if (properties == null) {
            throw new IllegalArgumentException("An archive database is given by a PostgreSQL JDBC URL, like"
                    + " jdbc:postgresql://host:5432/archive?user=tandem_archive");
        }
        // not the parsed properties: the driver adds to them a password it finds in ~/.pgpass
        if (PASSWORD.matcher(url).find()) {
            throw new IllegalArgumentException("The archive URL must not carry a password (password or sslpassword):"
                    + " the policy is kept in a table, which backups copy. Give the URL without it, and put the"
                    + " password in ~/.pgpass (or the file PGPASSFILE names) on each machine that runs an applier or"
                    + " a replay.");
        }
        return url;
    }

    /**
     * Connects once, creates the archive's tables if they are missing and checks they hold no other database's
     * history: what {@code tandem journal retention} runs when the URL is set, so that a wrong URL, a missing
     * password or privilege, or another database's archive is found then rather than at the first removal.
     */
    void check(Connection journal) throws SQLException {
        String source = sourceOf(journal);
        try (Connection archive = connect()) {
            ensureTables(archive);
            requireSource(archive, source);
        } catch (SQLException e) {
            throw new TandemException("The journal archive database " + url + " refused: " + e.getMessage()
                    + ". Its login needs USAGE on schema " + SCHEMA + " and SELECT and INSERT on its tables"
                    + " partitions and journal (docs/retention.md).", e);
        }
    }

    @Override
    public String store(Connection journal, JournalPartition p) throws SQLException {
        String source = sourceOf(journal);
        try (Connection archive = connect()) {
            archive.setAutoCommit(false);
            try {
                execute(archive, "SET LOCAL synchronous_commit = on"); // durable before the journal drops it
                execute(archive, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                ensureTables(archive);
                requireSource(archive, source);
                Long listed = listedRows(archive, p);
                if (listed == null) {
                    long rows = CopyStream.pipe(journal, "COPY (SELECT " + p.to() + "::bigint AS partition_to, g.*"
                                    + " FROM (" + JournalArchive.rowsOf(p) + ") g) TO STDOUT (FORMAT csv)",
                            archive, "COPY tandem_archive.journal (partition_to, " + COLUMNS + ") FROM STDIN"
                                    + " (FORMAT csv)");
                    list(archive, p, rows, source);
                } else {
                    requireSameRows(journal, p, listed);
                }
                archive.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(archive, e);
                throw e;
            }
        }
        return url;
    }

    @Override
    public int loadInto(Connection target, String table, Consumer<String> progress) throws SQLException {
        try (Connection archive = connect()) {
            archive.setAutoCommit(false);
            archive.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // the check and the copy agree
            try {
                requireArchive(archive);
                int partitions = requireComplete(archive);
                long rows = CopyStream.pipe(archive, "COPY tandem_archive.journal (" + COLUMNS + ") TO STDOUT"
                        + " (FORMAT csv)", target, "COPY " + table + " (" + COLUMNS + ") FROM STDIN (FORMAT csv)");
                progress.accept("loaded " + partitions + " partition(s), " + rows + " rows, from " + url);
                archive.commit();
                return partitions;
            } catch (SQLException | RuntimeException e) {
                rollback(archive, e);
                throw e;
            }
        }
    }

    private Connection connect() {
        Properties properties = new Properties(); // defaults: a parameter of the URL takes precedence
        properties.setProperty("ApplicationName", "tandem-archive");
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(ANSWER_SECONDS));
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new TandemException("Could not connect to the journal archive database " + url + ": " + e.getMessage()
                    + ". Check that it is reachable from this machine and that the login's password is in ~/.pgpass (or"
                    + " the file PGPASSFILE names).", e);
        }
    }

    /** Creates the tables unless both are there: a login without CREATE on the database can use them then. */
    private void ensureTables(Connection archive) throws SQLException {
        if (!tablesThere(archive)) {
            try {
                execute(archive, CREATE);
            } catch (SQLException e) {
                throw new TandemException("Could not create the journal archive's tables in " + url + ": "
                        + e.getMessage() + ". Grant its login CREATE on that database, or create the tables"
                        + " ahead as docs/retention.md prints them.", e);
            }
        }
    }

    private void requireArchive(Connection archive) throws SQLException {
        if (!tablesThere(archive)) {
            throw new TandemException("No journal archive in " + url + ": it has no " + SCHEMA + ".partitions and "
                    + SCHEMA + ".journal tables. Give the database the retention policy archives into"
                    + " (tandem journal retention).");
        }
    }

    private static boolean tablesThere(Connection archive) throws SQLException {
        try (Statement s = archive.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT pg_catalog.to_regclass('tandem_archive.partitions') IS NOT NULL
                   AND pg_catalog.to_regclass('tandem_archive.journal') IS NOT NULL""")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The number of partitions, once each holds the rows it lists; refuses the archive otherwise. */
    private int requireComplete(Connection archive) throws SQLException {
        try (Statement s = archive.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    SELECT coalesce(p.to_txid, r.partition_to), p.rows, coalesce(r.n, 0)
                      FROM tandem_archive.partitions p
                      FULL JOIN (SELECT partition_to, count(*) AS n FROM tandem_archive.journal GROUP BY partition_to) r
                        ON r.partition_to = p.to_txid
                     WHERE coalesce(p.rows, -1) <> coalesce(r.n, 0)
                     ORDER BY 1 LIMIT 1""")) {
                if (rs.next()) {
                    throw new TandemException("The journal archive in " + url + " is not as it was archived: the"
                            + " partition ending at transaction " + rs.getLong(1) + " lists " + (rs.getObject(2) == null
                            ? "nothing" : rs.getLong(2) + " rows") + " and " + SCHEMA + ".journal holds "
                            + rs.getLong(3) + " of it. Rows were added or removed since. Nothing was appended.");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem_archive.partitions")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void requireSource(Connection archive, String source) throws SQLException {
        try (PreparedStatement s = archive.prepareStatement(
                "SELECT source FROM tandem_archive.partitions WHERE source <> ? LIMIT 1")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    throw new TandemException("The journal archive database " + url + " holds the archive of "
                            + rs.getString(1) + ", not of " + source + ": give each database an archive database of"
                            + " its own (tandem journal retention --archive-url). Nothing was removed.");
                }
            }
        }
    }

    /** The rows the archive lists for {@code p}, or null when it does not list it. */
    private static Long listedRows(Connection archive, JournalPartition p) throws SQLException {
        try (PreparedStatement s = archive.prepareStatement(
                "SELECT rows FROM tandem_archive.partitions WHERE to_txid = ?")) {
            s.setLong(1, p.to());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** A partition listed already (a pass killed after archiving it, before dropping it) must be the same one. */
    private void requireSameRows(Connection journal, JournalPartition p, long listed) throws SQLException {
        try (Statement s = journal.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + JournalArchive.rowsOf(p) + ") g")) {
            rs.next();
            if (rs.getLong(1) != listed) {
                throw new TandemException("The journal archive database " + url + " lists a partition ending at"
                        + " transaction " + p.to() + " with " + listed + " rows, and " + p.name() + " has "
                        + rs.getLong(1) + " to archive: it is another database's. Nothing was removed.");
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

    /** The source database as an archive names it: its name and the identity Tandem gave it. */
    private static String sourceOf(Connection journal) throws SQLException {
        try (Statement s = journal.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT 'database ' || pg_catalog.current_database() || ' (' || source_id || ')'"
                        + " FROM tandem.journal_maintenance")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void rollback(Connection archive, Exception failure) {
        try {
            archive.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public String toString() {
        return url;
    }
}
