package io.tandem.core.db;

import io.tandem.core.storage.BriefLock;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Tandem schema 17: drops the journal's two {@code CHECK} constraints ({@code journal_op_check},
 * {@code journal_key_is_object}), whose tests the insert trigger makes since schema 16, from the journal and from
 * every partition that kept a copy. A partition an interrupted {@code DETACH ... CONCURRENTLY} left half-detached
 * takes no rows and cannot lose an inherited constraint; it keeps its copy until journal maintenance finishes the
 * detach and retention removes it.
 *
 * <p>Why Java, outside Flyway's transaction: dropping a constraint takes {@code ACCESS EXCLUSIVE} on the journal and
 * its partitions, which every writer waits for. {@link BriefLock} waits for that lock at most 2 s a try and gives way
 * in between, so writers wait a moment at most even when a long transaction is writing the journal.
 */
public class V17__journal_checks_in_trigger extends BaseJavaMigration {
    private static final List<String> CHECKS = List.of("journal_op_check", "journal_key_is_object");

    /** The journal, or else one of its partitions, that still has one of the checks, with the check. */
    private static final String LEFT = """
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname), pg_catalog.quote_ident(k.conname)
              FROM pg_catalog.pg_constraint k
              JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype = 'c' AND k.conname = ANY (?)
               AND (c.oid = 'tandem.journal'::pg_catalog.regclass
                    OR c.oid IN (SELECT i.inhrelid FROM pg_catalog.pg_inherits i
                                  WHERE i.inhparent = 'tandem.journal'::pg_catalog.regclass
                                    AND NOT i.inhdetachpending))
             ORDER BY c.oid = 'tandem.journal'::pg_catalog.regclass DESC
             LIMIT 1""";

    @Override
    public boolean canExecuteInTransaction() {
        return false;
    }

    @Override
    public void migrate(Context context) throws Exception {
        String what = "Dropping " + String.join(" and ", CHECKS) + " from tandem.journal";
        new BriefLock(Duration.ofSeconds(2), 30).run(context.getConnection(), what, V17__journal_checks_in_trigger::drop);
    }

    private static void drop(Connection c) throws SQLException {
        try (PreparedStatement left = c.prepareStatement(LEFT); Statement s = c.createStatement()) {
            left.setArray(1, c.createArrayOf("text", CHECKS.toArray()));
            for (String[] check = next(left); check != null; check = next(left)) {
                s.execute("ALTER TABLE " + check[0] + " DROP CONSTRAINT " + check[1]);
            }
        }
    }

    /**
     * The next check left, the journal's first (dropping it there drops the copies its partitions inherited; a
     * partition created {@code LIKE} the journal also has its own), or null.
     */
    private static String[] next(PreparedStatement left) throws SQLException {
        try (ResultSet rs = left.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }
}
