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
 * Whether a switch (or a revert) may ask for its exclusive locks now: not while a transaction has held a lock on
 * the app's views, or on the tables the switch moves, for {@link #LONG} or more — unless it has waited for such a
 * moment for {@code maxWait} in all ({@link #DEFAULT_WAIT} unless {@link Migrator#quietWait} or {@link
 * ReleaseControl#quietWait} say otherwise), after which it asks at once for the rest of the release.
 *
 * <p>Why: the switch's first exclusive lock on a view waits for every transaction that holds one, and every app
 * statement through the views queues behind that wait; so do its locks on the tables it moves, which a report or
 * {@code pg_dump} may read directly. One transaction that stays open — a long report, a session idle in
 * transaction, a backup — would so stop the whole app, up to the lock timeout on every try. Waiting for it before
 * the switch asks costs the app nothing; once {@code maxWait} is spent the switch asks anyway, its lock timeout
 * bounding the app's wait as before.
 *
 * <p>Seen through {@code pg_locks} alone, by virtual transaction id: any role may read it, whereas {@code
 * pg_stat_activity} hides when another role's transaction started from a role without {@code pg_read_all_stats}.
 * Only the locks of readers and writers count: stronger ones (maintenance's {@code SHARE UPDATE EXCLUSIVE} and up)
 * the switch waits for first, before it holds anything ({@link SchemaMoves#holdAgainstMaintenance}). So how long a
 * transaction has held its locks is how long it has been seen holding them — a lower bound, exact to
 * the spacing of the looks, since a transaction keeps its locks until it ends. After a first look, or looks further
 * apart than {@link #GAP}, a transaction first seen may have been open for an hour, so the next {@link #LONG} of
 * looks only watches. Looks are at least {@link #SPACING} apart ({@code pg_locks} takes the lock manager's locks to
 * read). Used by one thread: the loop that {@link #look}s while the track is near the switch window and asks {@link
 * #allows} before a try of the switch.
 */
final class QuietMoment {
    /** A transaction that has held the locks this long is worth waiting for. */
    static final Duration LONG = Duration.ofMillis(100);
    /** How long a switch waits for a quiet moment, by default, before it asks for its locks anyway. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);
    /** The longest {@code maxWait} there is ({@link Migrator#quietWait} refuses more). */
    static final Duration LONGEST_WAIT = Duration.ofHours(1);
    private static final long SPACING = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long GAP = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long REPORT_EVERY = TimeUnit.SECONDS.toNanos(5);

    private static final String HOLDERS = """
            SELECT DISTINCT l.virtualtransaction, coalesce(l.pid, 0)
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_class c ON c.oid = l.relation
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE l.locktype = 'relation' AND l.granted
               AND l.mode IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock')
               AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                                  WHERE d.datname = pg_catalog.current_database())
               AND (n.nspname = ANY (?) OR n.nspname = ? AND c.relname = ANY (?))""";

    private final DataSource dataSource;
    private final String app;
    private final SwitchStep what;
    private final MigrationProgress progress;
    private final Duration maxWait;
    private final String tableSchema;
    private final List<String> tables;
    private List<String> viewSchemas;
    /** When a transaction was first seen holding a watched lock, and its pid (0: a prepared transaction). */
    private record Seen(long since, int pid) {
    }

    /** Virtual transaction id → when first seen. */
    private final Map<String, Seen> holders = new HashMap<>();
    private long lastLook = -1;
    private long watchingSince = -1;
    private long lastAsked = -1;
    private long waited;
    private long lastReport = -1;

    /**
     * @param what        what waits, for the progress
     * @param tableSchema the schema of the tables the switch moves out
     * @param tables      those tables
     * @param maxWait     how long to wait for a quiet moment at most; zero: never wait, never look
     */
    QuietMoment(DataSource dataSource, String app, SwitchStep what, MigrationProgress progress, Duration maxWait,
                String tableSchema, List<String> tables) {
        this.dataSource = dataSource;
        this.app = app;
        this.what = what;
        this.progress = progress;
        this.maxWait = maxWait;
        this.tableSchema = tableSchema;
        this.tables = List.copyOf(tables);
    }

    /** {@code wait}, if it is a valid {@code maxWait}: zero or positive, at most {@link #LONGEST_WAIT}. */
    static Duration checked(Duration wait) {
        if (wait.isNegative() || wait.compareTo(LONGEST_WAIT) > 0) {
            throw new IllegalArgumentException("quietWait must be between 0 and " + LONGEST_WAIT.toMinutes()
                    + " min, not " + wait);
        }
        return wait;
    }

    /** Looks at who holds the locks now, unless the last look was less than {@link #SPACING} ago. */
    void look() throws SQLException {
        if (spent()) {
            return;
        }
        long at = System.nanoTime();
        if (lastLook >= 0 && at - lastLook < SPACING) {
            return;
        }
        Map<String, Integer> now = holders();
        if (lastLook < 0 || at - lastLook > GAP) {
            watchingSince = at; // who is seen now may have held the locks for long: watch before judging
        }
        lastLook = at;
        holders.keySet().retainAll(now.keySet());
        now.forEach((transaction, pid) -> holders.putIfAbsent(transaction, new Seen(at, pid)));
    }

    /**
     * Whether the locks may be asked for now, as of the last {@link #look}; while not, counts the time towards {@code
     * maxWait} and says every few seconds which transaction is waited for and how to end it.
     */
    boolean allows() {
        if (spent()) {
            return true;
        }
        long at = System.nanoTime();
        String longest = null;
        for (Map.Entry<String, Seen> seen : holders.entrySet()) {
            if (longest == null || seen.getValue().since() < holders.get(longest).since()) {
                longest = seen.getKey();
            }
        }
        boolean watching = lastLook < 0 || lastLook - watchingSince < LONG.toNanos();
        if (!watching && (longest == null || lastLook - holders.get(longest).since() < LONG.toNanos())) {
            lastAsked = -1;
            return true;
        }
        waited += lastAsked < 0 ? 0 : Math.min(at - lastAsked, GAP);
        lastAsked = at;
        if (spent()) {
            progress.step("The " + what + " waited " + maxWait.toMillis() + " ms for a quiet moment and asks for"
                    + " its locks now, and at once from here on: reads and writes through the views wait for it, up"
                    + " to its lock timeout on every try");
            return true;
        }
        if (!watching && (lastReport < 0 || at - lastReport > REPORT_EVERY)) {
            lastReport = at;
            report(longest);
        }
        return false;
    }

    private boolean spent() {
        return waited >= maxWait.toNanos();
    }

    private void report(String transaction) {
        Seen seen = holders.get(transaction);
        int pid = seen.pid();
        String end = pid == 0 ? "a prepared transaction: COMMIT PREPARED or ROLLBACK PREPARED its gid from"
                + " pg_prepared_xacts" : "pid " + pid + "; to end it: SELECT pg_terminate_backend(" + pid + ")";
        progress.step(String.format("The %s waits for a quiet moment: transaction %s (%s) has held locks on views or"
                        + " tables of app %s for at least %d ms, and the %s's locks would make every read and write"
                        + " through the views wait for it; the %s asks once it ends, or in %d ms anyway", what,
                transaction, end, app, TimeUnit.NANOSECONDS.toMillis(lastLook - seen.since()), what, what,
                TimeUnit.NANOSECONDS.toMillis(maxWait.toNanos() - waited)));
    }

    /** Virtual transaction id → pid (0 for a prepared transaction) of every transaction holding a watched lock. */
    private Map<String, Integer> holders() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (viewSchemas == null) {
                List<String> schemas = new ArrayList<>();
                for (VersionDefinition v : VersionRegistry.live(c, app)) {
                    schemas.addAll(v.viewSchemas());
                }
                viewSchemas = List.copyOf(schemas);
            }
            try (PreparedStatement s = c.prepareStatement(HOLDERS)) {
                s.setArray(1, c.createArrayOf("text", viewSchemas.toArray()));
                s.setString(2, tableSchema);
                s.setArray(3, c.createArrayOf("text", tables.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    Map<String, Integer> found = new HashMap<>();
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getInt(2));
                    }
                    return found;
                }
            }
        }
    }

    /** How long this moment's switch has waited for a transaction that held the views (its tries together). */
    long waitedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(waited);
    }
}
