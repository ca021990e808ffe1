package io.tandem.views;

import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether a switch (or a revert) may ask for its exclusive locks on an app's views now: not while a transaction has
 * held a lock on them for {@link #LONG} or more — unless the wait for such a moment has lasted {@code maxWait}
 * ({@link #DEFAULT_WAIT} unless {@link Migrator#quietWait} or {@link ReleaseControl#quietWait} say otherwise).
 *
 * <p>Why: the switch's first exclusive lock on a view waits for every transaction that holds one, and every app
 * statement through the views queues behind that wait. One transaction that stays open — a long report, a session
 * idle in transaction — would so stop the whole app, up to the lock timeout on every try. Waiting for it before the
 * switch asks costs the app nothing; after {@code maxWait} the switch asks anyway, its lock timeout bounding the
 * app's wait as before.
 *
 * <p>Seen through {@code pg_locks} alone, by virtual transaction id, sampled at each call: any role may read it,
 * whereas {@code pg_stat_activity} hides when another role's transaction started from a role without
 * {@code pg_read_all_stats}. So "held for" is how long this has seen a transaction holding the views, a lower bound,
 * from looks at most {@link #LONG} apart: the first {@link #LONG} of looks only watches, since a transaction seen
 * for the first time may have been open for an hour. Used by one thread.
 */
final class QuietMoment {
    /** A transaction that has held the views this long is worth waiting for. */
    static final Duration LONG = Duration.ofMillis(100);
    /** How long a switch waits for a quiet moment, by default, before it asks for its locks anyway. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** The longest {@code maxWait} there is ({@link Migrator#quietWait} refuses more). */
    static final Duration LONGEST_WAIT = Duration.ofHours(1);
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final String HOLDERS = """
            SELECT DISTINCT l.virtualtransaction, coalesce(l.pid, 0)
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_class c ON c.oid = l.relation
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE l.locktype = 'relation' AND l.granted
               AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                  WHERE d.datname = pg_catalog.current_database())
               AND n.nspname = ANY (?) AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()""";

    private final DataSource dataSource;
    private final String app;
    private final String what;
    private final MigrationProgress progress;
    private final Duration maxWait;
    private final Map<String, Long> firstSeen = new HashMap<>();
    private long observingSince = -1;
    private long lastLook = -1;
    private long waitingSince = -1;
    private long lastReport;

    /**
     * @param what    what waits, for the progress: "switch" or "revert"
     * @param maxWait how long to wait for a quiet moment at most; zero: never wait, never look
     */
    QuietMoment(DataSource dataSource, String app, String what, MigrationProgress progress, Duration maxWait) {
        this.dataSource = dataSource;
        this.app = app;
        this.what = what;
        this.progress = progress;
        this.maxWait = maxWait;
    }

    /** {@code wait}, if it is a valid {@code maxWait}: zero or positive, at most {@link #LONGEST_WAIT}. */
    static Duration checked(Duration wait) {
        if (wait.isNegative() || wait.compareTo(LONGEST_WAIT) > 0) {
            throw new IllegalArgumentException("quietWait must be between 0 and " + LONGEST_WAIT.toMinutes()
                    + " min, not " + wait);
        }
        return wait;
    }

    /**
     * Whether the locks may be asked for now; while not, says every few seconds which transaction is waited for and
     * how to end it.
     */
    boolean now() throws SQLException {
        if (maxWait.isZero()) {
            return true;
        }
        long at = System.nanoTime();
        Map<String, Integer> holders = holders();
        if (lastLook < 0 || at - lastLook > LONG.toNanos()) { // looks too far apart to tell how long one was held
            observingSince = at;
            firstSeen.clear();
        }
        lastLook = at;
        firstSeen.keySet().retainAll(holders.keySet());
        holders.keySet().forEach(t -> firstSeen.putIfAbsent(t, at));
        if (at - observingSince < LONG.toNanos()) {
            return false; // a transaction seen for the first time may have been open for long: look again first
        }
        String longest = null;
        for (Map.Entry<String, Long> seen : firstSeen.entrySet()) {
            if (longest == null || seen.getValue() < firstSeen.get(longest)) {
                longest = seen.getKey();
            }
        }
        if (longest == null || at - firstSeen.get(longest) < LONG.toNanos()) {
            waitingSince = -1;
            return true;
        }
        if (waitingSince < 0) {
            waitingSince = at;
        } else if (at - waitingSince > maxWait.toNanos()) {
            waitingSince = -1;
            progress.step("The " + what + " waited " + maxWait.toMillis() + " ms for a quiet moment and asks for"
                    + " its locks now: reads and writes through the views wait for it, at most its lock timeout");
            return true;
        }
        if (lastReport == 0 || at - lastReport > REPORT_EVERY_NANOS) {
            lastReport = at;
            int pid = holders.get(longest);
            progress.step(String.format("The %s waits for a quiet moment: transaction %s (%s) has held views of app"
                    + " %s for %d ms, and the %s's locks would stop the app until it ends; it asks for them once it"
                    + " has, or in %d ms anyway%s", what, longest, pid == 0 ? "a prepared transaction" : "pid " + pid,
                    app, TimeUnit.NANOSECONDS.toMillis(at - firstSeen.get(longest)), what,
                    TimeUnit.NANOSECONDS.toMillis(maxWait.toNanos() - (at - waitingSince)),
                    pid == 0 ? "" : " (to end it: SELECT pg_terminate_backend(" + pid + "))"));
        }
        return false;
    }

    /** Virtual transaction id → pid (0 for a prepared transaction) of every transaction holding a lock on a view. */
    private Map<String, Integer> holders() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<String> schemas = new ArrayList<>();
            for (VersionDefinition v : VersionRegistry.live(c, app)) {
                schemas.add(v.viewSchema());
                schemas.add(v.plainViewSchema());
            }
            try (PreparedStatement s = c.prepareStatement(HOLDERS)) {
                s.setArray(1, c.createArrayOf("text", schemas.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    Map<String, Integer> holders = new HashMap<>();
                    while (rs.next()) {
                        holders.put(rs.getString(1), rs.getInt(2));
                    }
                    return holders;
                }
            }
        }
    }
}
