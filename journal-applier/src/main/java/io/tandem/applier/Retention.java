package io.tandem.applier;

import io.tandem.core.storage.JournalPartition;
import io.tandem.core.storage.JournalPartitions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which of the journal's oldest partitions may go, and otherwise why they are held back.
 *
 * <p>A partition may go only when all of these hold, checked in this order:
 * <ol>
 *   <li>it is sealed: every transaction id below its upper bound has ended, so nobody can still write into it;</li>
 *   <li>for every app with rows in it, the live applier's position covers it (all its transactions applied or
 *       rejected), and so does the release track's while a release is in progress (a build replays from there);</li>
 *   <li>none of its transactions is rejected and not yet resolved;</li>
 *   <li>it was sealed longer ago than the longest {@code keep_for} of the apps with rows in it, or the journal is
 *       over the size cap.</li>
 * </ol>
 * Partitions are removed oldest first and the first that may not go stops the pass, so the journal always holds
 * one unbroken range of transaction ids. Removal never changes what a fence concludes: a removed partition's
 * transactions were all applied, and a rejected one's rows stay until the reject is resolved.
 */
final class Retention {
    /** The oldest partitions that may go, and why the next one may not (null: only the policy's window keeps it). */
    record Verdict(List<JournalPartition> removable, String heldBack) {
    }

    private final RetentionPolicy policy;

    Retention(RetentionPolicy policy) {
        this.policy = policy;
    }

    Verdict judge(Connection c, List<JournalPartition> attached, long xmin, long journalBytes) throws SQLException {
        List<JournalPartition> removable = new ArrayList<>();
        long bytes = journalBytes;
        for (JournalPartition p : attached) {
            if (p.overflow()) {
                break;
            }
            if (!p.sealedBy(xmin)) {
                return new Verdict(removable, openTransaction(c, p, xmin));
            }
            Instant sealedAt = seal(c, p);
            Duration keep = Duration.ZERO;
            for (String app : apps(c, p)) {
                String held = heldBy(c, p, app);
                if (held != null) {
                    return new Verdict(removable, held);
                }
                keep = keep.compareTo(policy.keepFor(app)) >= 0 ? keep : policy.keepFor(app);
            }
            boolean aged = !sealedAt.plus(keep).isAfter(Instant.now());
            boolean oversize = policy.maxBytes() != null && bytes > policy.maxBytes();
            if (!aged && !oversize) {
                return new Verdict(removable, null);
            }
            removable.add(p);
            bytes -= io.tandem.core.storage.JournalStorage.bytes(c, p.name());
        }
        return new Verdict(removable, null);
    }

    /** Why the app's rows in {@code p} must stay, or null. */
    private static String heldBy(Connection c, JournalPartition p, String app) throws SQLException {
        String live = unapplied(c, p, app, "tandem.applier_state");
        if (live != null) {
            return "app " + app + " has not applied all its rows in " + p.name() + " (" + p.range() + "): " + live
                    + "; start or resume its applier (tandem status --app " + app + ")";
        }
        String release = unapplied(c, p, app, "tandem.releases");
        if (release != null && !release.equals(NO_POSITION)) {
            return "the release of app " + app + " in progress still projects rows of " + p.name() + " (" + p.range()
                    + "): " + release;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT count(*) FROM tandem.rejects
                 WHERE app = ? AND resolved_at IS NULL AND txid >= ?::text::xid8 AND txid < ?::text::xid8""")) {
            s.setString(1, app);
            s.setString(2, p.from() == null ? "0" : p.from().toString());
            s.setString(3, p.to().toString());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long unresolved = rs.getLong(1);
                if (unresolved > 0) {
                    return unresolved + " rejected row(s) of app " + app + " in " + p.name() + " are not resolved:"
                            + " look at them in tandem.rejects, then `tandem journal resolve --app " + app + "`";
                }
            }
        }
        return null;
    }

    private static final String NO_POSITION = "no applier has run for it";

    /**
     * Null when the position of {@code app} in {@code positions} (applier_state or releases) covers every row of the
     * app in the sealed partition {@code p}; else what it has not applied. A probe of the partition's (app, txid)
     * index from the position's xmin on: rows below it are applied, rows at or above it are applied if visible in
     * the position's snapshot.
     */
    private static String unapplied(Connection c, JournalPartition p, String app, String positions)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT (SELECT j.txid::text FROM tandem.%s j
                         WHERE j.app = a.app AND j.txid >= pg_snapshot_xmin(a.applied_snapshot)
                           AND NOT pg_visible_in_snapshot(j.txid, a.applied_snapshot)
                         ORDER BY j.txid LIMIT 1)
                  FROM %s a WHERE a.app = ?""".formatted(p.name(), positions))) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return NO_POSITION;
                }
                String txid = rs.getString(1);
                return txid == null ? null : "transaction " + txid + " is not applied yet";
            }
        }
    }

    /** The apps with rows in {@code p}: a skip scan of its (app, txid) index, one probe per app. */
    private static List<String> apps(Connection c, JournalPartition p) throws SQLException {
        List<String> apps = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                WITH RECURSIVE a(app) AS (
                    SELECT min(app) FROM tandem.%1$s
                    UNION ALL
                    SELECT (SELECT min(j.app) FROM tandem.%1$s j WHERE j.app > a.app) FROM a WHERE a.app IS NOT NULL)
                SELECT app FROM a WHERE app IS NOT NULL""".formatted(p.name()));
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                apps.add(rs.getString(1));
            }
        }
        return apps;
    }

    /** When {@code p} was first seen sealed (now, if this is the first time). */
    private static Instant seal(Connection c, JournalPartition p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                UPDATE tandem.journal_partitions SET sealed_at = coalesce(sealed_at, now())
                 WHERE name = ? RETURNING sealed_at""")) {
            s.setString(1, p.name());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : Instant.now();
            }
        }
    }

    /** Names the open transaction that keeps an old partition unsealed, or null when it is simply the current one. */
    private static String openTransaction(Connection c, JournalPartition p, long xmin) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT pid, xact_start, backend_xid::text FROM pg_catalog.pg_stat_activity
                 WHERE backend_xid IS NOT NULL AND pg_catalog.age(backend_xid) >= 0
                 ORDER BY xact_start LIMIT 1""");
             ResultSet rs = s.executeQuery()) {
            long next = JournalPartitions.nextXid(c);
            if (next < p.to() || !rs.next()) {
                return null;
            }
            return "a transaction open since " + rs.getTimestamp(2).toInstant() + " (pid " + rs.getInt(1)
                    + ") keeps " + p.name() + " (" + p.range() + ") open: nothing from txid " + xmin
                    + " on can be removed until it ends";
        }
    }
}
