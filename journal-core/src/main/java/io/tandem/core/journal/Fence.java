package io.tandem.core.journal;

import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierPosition;
import io.tandem.core.db.ApplierState;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Read-your-writes across transactions: waits until the applier has applied a committed writer transaction.
 *
 * <pre>{@code
 * long txid = Fence.currentTxid(connection);   // inside the writer's transaction
 * connection.commit();
 * fence.await("shop", txid, Duration.ofSeconds(2));   // now every view shows the write
 * }</pre>
 *
 * <p>One fence serves any number of waiting threads with one listening connection: the applier sends one
 * {@code NOTIFY tandem_applied} per committed slice (never the writers: a NOTIFY per writer transaction would
 * serialise their commits), and on each the fence reads the applier's position once for all waiters. It also
 * looks every 500 ms, so a lost notification only delays. Thread-safe; close it to free its connection.
 *
 * <p>It reads only what a version's role may read (Tandem schema 10, docs/tandem-schema.md): the seq numbers of the
 * awaited transaction in {@code tandem.role_journal}, the applier's position in {@code tandem.role_applier_state}
 * and the reasons in {@code tandem.role_rejects}. So it works connected as (a member of) {@code <app>_v<N>_app}, as
 * the table owner, or as a superuser. If its role cannot see the app at all, {@link #await} throws a
 * {@link FenceVisibilityException} rather than report a transaction it cannot see as applied.
 */
public final class Fence implements AutoCloseable {
    /** How a wait ended when it did not throw. */
    public enum Outcome {
        /** The transaction is applied: the physical tables and every version's views show it. */
        APPLIED,
        /** The timeout passed first. The write is still durable in the journal and will be applied. */
        TIMED_OUT
    }

    private static final Logger log = LoggerFactory.getLogger(Fence.class);
    private static final int LOOK_MILLIS = 500;

    private record Waiter(String app, long txid, long maxSeq, CompletableFuture<Outcome> done) {
    }

    private final DataSource dataSource;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final Thread listener;
    private volatile boolean closed;

    private Fence(DataSource dataSource) {
        this.dataSource = dataSource;
        this.listener = new Thread(this::listen, "tandem-fence");
        this.listener.setDaemon(true);
    }

    /** Opens a fence on the database of {@code dataSource} (one connection is held while it is open). */
    public static Fence open(DataSource dataSource) {
        Fence fence = new Fence(dataSource);
        fence.listener.start();
        return fence;
    }

    /** The id of the connection's current transaction ({@code pg_current_xact_id()}), to await after commit. */
    public static long currentTxid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /**
     * Blocks until committed transaction {@code txid} of {@code app} is applied, or {@code timeout} passes.
     *
     * @throws RejectedTransactionException if the applier rejected the transaction or halted before it
     * @throws FenceVisibilityException if the fence's role may not see the app's journal positions and applier
     *         state (not a member of any of its version roles, or the grants of Tandem schema 10 are missing)
     */
    public Outcome await(String app, long txid, Duration timeout) throws InterruptedException, SQLException {
        long maxSeq = maxSeq(app, txid);
        if (maxSeq < 0) {
            return Outcome.APPLIED; // the transaction journaled nothing for this app: nothing to wait for
        }
        Waiter waiter = new Waiter(app, txid, maxSeq, new CompletableFuture<>());
        waiters.add(waiter);
        try {
            check(List.of(waiter));
            return waiter.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Outcome.TIMED_OUT;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            waiters.remove(waiter);
        }
    }

    /**
     * The largest seq of {@code txid}'s journal rows of {@code app}, or -1 if it journaled none. Only once the fence's
     * role is seen to read the app's applier state is "none" believed: the views show a role the journal rows of
     * exactly the apps whose applier state they show it, so a role that sees the state sees every row to wait for.
     */
    private long maxSeq(String app, long txid) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT (SELECT max(j.seq) FROM tandem.role_journal j WHERE j.app = ? AND j.txid = ?::text::xid8),
                            EXISTS (SELECT 1 FROM tandem.role_applier_state s WHERE s.app = ?)""")) {
            s.setString(1, app);
            s.setString(2, Long.toString(txid));
            s.setString(3, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                boolean seen = !rs.wasNull();
                if (!rs.getBoolean(2)) {
                    throw cannotSee(c, app, txid);
                }
                return seen ? seq : -1;
            }
        } catch (SQLException e) {
            throw unreadable(e, app, txid);
        }
    }

    /** Why the fence's role sees no applier state of {@code app}, and what to grant. */
    private static FenceVisibilityException cannotSee(Connection c, String app, long txid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT CURRENT_USER::text,
                       (SELECT string_agg(r.role::text, ', ' ORDER BY r.version) FROM tandem.version_roles r
                         WHERE r.app = ?)""")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                String role = rs.getString(1);
                String versionRoles = rs.getString(2);
                String why = versionRoles == null
                        ? "app " + app + " has no live version registered in tandem.version_roles (release it with"
                        + " `tandem migrate`), so there is no applier position to wait on"
                        : "role " + role + " is not a member of any of " + app + "'s version roles (" + versionRoles
                        + "), so tandem.role_journal and tandem.role_applier_state show it nothing of " + app
                        + "; connect as a member of the role of the version that wrote it (e.g. GRANT "
                        + versionRoles.substring(versionRoles.lastIndexOf(' ') + 1) + " TO " + role + ")";
                return new FenceVisibilityException("The fence cannot wait for transaction " + txid + " of " + app
                        + " (it is committed and will be applied, but nothing says when): " + why + ".");
            }
        }
    }

    /** A fence read refused by the database: a missing grant or a Tandem schema before 10 is said so. */
    private static RuntimeException unreadable(SQLException e, String app, long txid) {
        String state = e.getSQLState();
        if ("42501".equals(state) || "42P01".equals(state)) { // insufficient_privilege, undefined_table
            return new FenceVisibilityException("The fence cannot wait for transaction " + txid + " of " + app
                    + " (it is committed and will be applied, but nothing says when): " + e.getMessage()
                    + ". A fence reads tandem.role_journal, tandem.role_applier_state and tandem.role_rejects"
                    + " (Tandem schema 10): connect as a member of a version role of " + app + " (`tandem migrate`"
                    + " installs the schema and grants them to each version's role).", e);
        }
        return new TandemException("The fence could not read the journal position of transaction " + txid + " of "
                + app + ": " + e.getMessage(), e);
    }

    private void listen() {
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN tandem_applied");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    // Returns on a notification or after LOOK_MILLIS; either way, look once for all waiters.
                    pg.getNotifications(LOOK_MILLIS);
                    if (!waiters.isEmpty()) {
                        check(new ArrayList<>(waiters));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    log.warn("Fence lost its listening connection ({}); reconnecting in 1 s", e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    /** Reads each waited-for app's position once and completes the waiters it covers. */
    private void check(List<Waiter> pending) throws SQLException {
        Map<String, List<Waiter>> byApp = new ConcurrentHashMap<>();
        pending.forEach(w -> byApp.computeIfAbsent(w.app, a -> new ArrayList<>()).add(w));
        try (Connection c = dataSource.getConnection()) {
            for (Map.Entry<String, List<Waiter>> e : byApp.entrySet()) {
                checkApp(c, e.getKey(), e.getValue());
            }
        }
    }

    private void checkApp(Connection c, String app, List<Waiter> pending) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT applied_snapshot::text, batch_snapshot::text, batch_done_seq, state, halted_txid::text,
                       halted_reason
                  FROM tandem.role_applier_state WHERE app = ?""")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    // await saw the state; it can only have gone with the role's membership or grants
                    for (Waiter w : pending) {
                        w.done.completeExceptionally(cannotSee(c, app, w.txid));
                    }
                    return;
                }
                ApplierPosition position = ApplierPosition.parse(rs.getString(1), rs.getString(2), rs.getLong(3));
                String haltedTxid = ApplierState.of(rs.getString(4)) == ApplierState.HALTED ? rs.getString(5) : null;
                String haltedReason = rs.getString(6);
                for (Waiter w : pending) {
                    if (position.covers(w.txid, w.maxSeq)) {
                        settleCovered(c, w);
                    } else if (Long.toString(w.txid).equals(haltedTxid)) {
                        w.done.completeExceptionally(new RejectedTransactionException(w.txid, haltedReason));
                    }
                }
            }
        }
    }

    /** A covered transaction was applied, unless it is in the rejects table. */
    private void settleCovered(Connection c, Waiter w) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT reason FROM tandem.role_rejects"
                + " WHERE app = ? AND txid = ?::text::xid8 LIMIT 1")) {
            s.setString(1, w.app);
            s.setString(2, Long.toString(w.txid));
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    w.done.completeExceptionally(new RejectedTransactionException(w.txid,
                            "moved to tandem.rejects: " + rs.getString(1)));
                } else {
                    w.done.complete(Outcome.APPLIED);
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(Duration.ofSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops listening and frees the connection: interrupts the listening thread, which may be waiting for a
     * connection from the pool (up to the pool's timeout when the database is gone) or to reconnect, and waits up to
     * 5 s for it to end. (A shutdown closes one fence per persistence unit, one after another: without the interrupt,
     * each could wait its full 5 s against a database that is already down.)
     *
     * <p>Why no checked {@link InterruptedException}: closing happens in {@code finally} blocks and shutdown hooks,
     * where a caller can do nothing useful with it. A close interrupted while it waits returns at once with the
     * thread's interrupt flag set again, so the caller's own shutdown still sees the interrupt; the listening
     * thread, a daemon, ends on its own at its next look.
     */
    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
