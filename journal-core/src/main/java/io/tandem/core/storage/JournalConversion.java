package io.tandem.core.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an unpartitioned {@code tandem.journal} (Tandem schema 12 and before) into the partitioned journal, with
 * the existing table as its first partition: no row is copied, and writers wait only for one short transaction.
 *
 * <p>How: the existing table gets the first partition's bound as a {@code CHECK} constraint, validated while writers
 * go on (a validated constraint spares {@code ATTACH} its scan); then one brief transaction renames it, creates the
 * partitioned table in its place with the same columns, policy, trigger and grants, attaches the old table as
 * partition {@code journal_0}, adds the next partition and the overflow, moves the sequence and re-points the views
 * that read the journal. A journal of fewer than {@value #VALIDATE_ABOVE_ROWS} rows is attached with its scan inside
 * that transaction instead (a moment), and its bound is the next transaction id, so new writes go to the new
 * partitions at once; a bigger journal's first partition also takes the writes of the next
 * {@value #BIG_MARGIN} transactions (the validation must finish before the transaction ids reach its bound).
 */
public final class JournalConversion {
    static final int VALIDATE_ABOVE_ROWS = 100_000;
    static final long BIG_MARGIN = 10_000_000;
    /** Transaction ids in the partition after the first, until journal maintenance sizes the next ones. */
    public static final long FIRST_WIDTH = 10_000;

    private static final Logger log = LoggerFactory.getLogger(JournalConversion.class);
    private static final String FIRST = "journal_0";

    private static final String PARENT = """
            CREATE TABLE tandem.journal (
                seq         bigint      NOT NULL,
                txid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
                app         text        NOT NULL,
                app_version int         NOT NULL,
                entity      text        NOT NULL,
                op          text        NOT NULL,
                key         jsonb       NOT NULL,
                data        jsonb,
                changed     text[],
                origin      text,
                written_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
                CONSTRAINT journal_op_check CHECK (op IN ('insert', 'update', 'delete')),
                CONSTRAINT journal_key_is_object CHECK (jsonb_typeof(key) = 'object')
            ) PARTITION BY RANGE (txid)""";

    private static final String WRITERS_POLICY = """
            CREATE POLICY journal_writers ON tandem.journal FOR INSERT TO PUBLIC
                WITH CHECK (EXISTS (SELECT 1 FROM tandem.version_roles r
                                     WHERE r.app = journal.app AND r.version = journal.app_version
                                       AND pg_catalog.pg_has_role(CURRENT_USER, r.role, 'MEMBER')))""";

    /** Grants every privilege of the old table (table and column level) on the new one, and takes them away there. */
    private static final String MOVE_GRANTS = """
            DO $$
            DECLARE g record;
            BEGIN
                FOR g IN SELECT a.privilege_type AS priv, CASE a.grantee WHEN 0 THEN 'PUBLIC'
                                ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS who
                           FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
                          WHERE c.oid = 'tandem.journal_0'::pg_catalog.regclass AND a.grantee <> c.relowner LOOP
                    EXECUTE pg_catalog.format('GRANT %s ON tandem.journal TO %s', g.priv, g.who);
                    EXECUTE pg_catalog.format('REVOKE %s ON tandem.journal_0 FROM %s', g.priv, g.who);
                END LOOP;
                FOR g IN SELECT a.privilege_type AS priv, pg_catalog.quote_ident(t.attname) AS col,
                                CASE a.grantee WHEN 0 THEN 'PUBLIC'
                                ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS who
                           FROM pg_catalog.pg_attribute t, pg_catalog.aclexplode(t.attacl) a
                          WHERE t.attrelid = 'tandem.journal_0'::pg_catalog.regclass AND t.attacl IS NOT NULL LOOP
                    EXECUTE pg_catalog.format('GRANT %s (%s) ON tandem.journal TO %s', g.priv, g.col, g.who);
                    EXECUTE pg_catalog.format('REVOKE %s (%s) ON tandem.journal_0 FROM %s', g.priv, g.col, g.who);
                END LOOP;
            END $$""";

    private JournalConversion() {
    }

    /** Converts the journal of {@code c}'s database unless it is partitioned already. {@code c} in autocommit mode. */
    public static void run(Connection c) throws SQLException {
        if (partitioned(c)) {
            return;
        }
        Long bound = null;
        if (JournalPartitions.rowsUpTo(c, "journal", VALIDATE_ABOVE_ROWS) >= VALIDATE_ABOVE_ROWS) {
            bound = JournalPartitions.nextXid(c) + BIG_MARGIN;
            log.info("Partitioning tandem.journal: validating the first partition's bound (txid < {}) while writers"
                    + " go on", bound);
            BriefLock lock = new BriefLock(Duration.ofSeconds(2), 30);
            long b = bound;
            lock.run(c, "Bounding tandem.journal", t -> execute(t, "ALTER TABLE tandem.journal ADD CONSTRAINT "
                    + FIRST + "_bound CHECK (txid < '" + b + "') NOT VALID"));
            execute(c, "ALTER TABLE tandem.journal VALIDATE CONSTRAINT " + FIRST + "_bound");
        }
        Long validated = bound;
        new BriefLock(Duration.ofSeconds(2), 30).run(c, "Partitioning tandem.journal", t -> swap(t, validated));
        log.info("tandem.journal is partitioned by txid; its rows so far are partition tandem.{}", FIRST);
    }

    private static void swap(Connection c, Long validatedBound) throws SQLException {
        execute(c, "LOCK TABLE tandem.journal IN ACCESS EXCLUSIVE MODE");
        long bound = validatedBound != null ? validatedBound : JournalPartitions.nextXid(c);
        List<String> views = dependentViews(c);
        long[] sequence = sequencePosition(c);
        String sequenceGrants = sequenceGrants(c);
        execute(c, "ALTER TABLE tandem.journal RENAME TO " + FIRST);
        execute(c, "ALTER INDEX tandem.journal_app_txid_idx RENAME TO " + FIRST + "_app_txid_idx");
        execute(c, "ALTER TABLE tandem." + FIRST + " RENAME CONSTRAINT journal_pkey TO " + FIRST + "_pkey");
        execute(c, "DROP TRIGGER journal_before_insert ON tandem." + FIRST);
        execute(c, "DROP POLICY journal_writers ON tandem." + FIRST);
        execute(c, "ALTER TABLE tandem." + FIRST + " ALTER COLUMN seq DROP IDENTITY");
        execute(c, "CREATE SEQUENCE tandem.journal_seq_seq");
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.setval('tandem.journal_seq_seq', ?, ?)")) {
            s.setLong(1, sequence[0]);
            s.setBoolean(2, sequence[1] == 1);
            s.execute();
        }
        if (!sequenceGrants.isEmpty()) {
            execute(c, "GRANT USAGE ON SEQUENCE tandem.journal_seq_seq TO " + sequenceGrants);
        }
        execute(c, PARENT);
        execute(c, "CREATE INDEX journal_app_txid_idx ON tandem.journal (app, txid)");
        execute(c, "ALTER TABLE tandem.journal ENABLE ROW LEVEL SECURITY");
        execute(c, WRITERS_POLICY);
        execute(c, "CREATE TRIGGER journal_before_insert BEFORE INSERT ON tandem.journal"
                + " FOR EACH ROW EXECUTE FUNCTION tandem.journal_before_insert()");
        execute(c, MOVE_GRANTS);
        JournalPartitions.attach(c, new JournalPartition(FIRST, null, bound));
        if (validatedBound != null) {
            execute(c, "ALTER TABLE tandem." + FIRST + " DROP CONSTRAINT " + FIRST + "_bound");
        }
        JournalPartitions.add(c, JournalPartitions.nameFrom(bound), bound, bound + FIRST_WIDTH);
        JournalPartitions.add(c, JournalPartitions.OVERFLOW, bound + FIRST_WIDTH, null);
        for (String view : views) {
            execute(c, view);
        }
    }

    private static boolean partitioned(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT relkind = 'p' FROM pg_catalog.pg_class WHERE oid = 'tandem.journal'::pg_catalog.regclass")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** {@code CREATE OR REPLACE VIEW} of each view that reads the journal, with every name qualified. */
    private static List<String> dependentViews(Connection c) throws SQLException {
        List<String> views = new ArrayList<>();
        execute(c, "SET LOCAL search_path = pg_catalog");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT v.oid::regclass::text, pg_get_viewdef(v.oid),
                       coalesce(' WITH (' || array_to_string(v.reloptions, ', ') || ')', '')
                  FROM pg_class v
                 WHERE v.relkind = 'v' AND v.oid IN (
                       SELECT r.ev_class FROM pg_rewrite r JOIN pg_depend d
                           ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                        WHERE d.refobjid = 'tandem.journal'::regclass)
                 ORDER BY v.oid""")) {
            while (rs.next()) {
                views.add("CREATE OR REPLACE VIEW " + rs.getString(1) + rs.getString(3) + " AS " + rs.getString(2));
            }
        }
        execute(c, "RESET search_path");
        return views;
    }

    private static long[] sequencePosition(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT last_value, is_called FROM tandem.journal_seq_seq")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getBoolean(2) ? 1 : 0};
        }
    }

    /** The roles with USAGE on the identity sequence, as a GRANT's role list ("" if none). */
    private static String sequenceGrants(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT coalesce(string_agg(DISTINCT CASE a.grantee WHEN 0 THEN 'PUBLIC'
                           ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, ', '), '')
                  FROM pg_catalog.pg_class q, pg_catalog.aclexplode(q.relacl) a
                 WHERE q.oid = 'tandem.journal_seq_seq'::pg_catalog.regclass AND a.grantee <> q.relowner
                   AND a.privilege_type = 'USAGE'""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
