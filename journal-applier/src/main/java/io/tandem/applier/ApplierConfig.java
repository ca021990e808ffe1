package io.tandem.applier;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How an {@link Applier} runs. Only the data source and the app are required; every other property has a default
 * chosen for a 2-core machine and a small pool.
 *
 * <ul>
 *   <li>{@code onReject} ({@link RejectPolicy#SKIP}): what to do with a transaction that cannot be applied.</li>
 *   <li>{@code sliceRows} (1000) and {@code sliceBytes} (4 MiB): a slice — the rows applied in one target
 *       transaction when a batch is large — ends at whichever it reaches first; a source transaction is never
 *       split, so one larger than this is applied whole.</li>
 *   <li>{@code ringSize} (8, a power of two): slices read ahead of the one being applied.</li>
 *   <li>{@code readAheadBytes} (32 MiB): what the slices read ahead of the apply side may hold of the heap, at most
 *       (one slice always goes, however large): their rows decoded and, once planned, their values spelled as text
 *       arrays, counted as twice their journal text (UTF-16 at worst). With rows of more than 16 KiB fetched one at
 *       a time, the applier's heap holds about this, plus what the reader holds — the driver's buffer and the run
 *       being put in apply order, each about {@code sliceRows} rows of at most 16 KiB, more when one transaction has
 *       more rows — plus one slice: bounded in bytes, so no backlog of wide rows can exhaust it.</li>
 *   <li>{@code maxPollInterval} (10 ms): the longest pause between two looks at the journal when idle. The pause
 *       starts at 1 ms after a batch and doubles while batches come back empty: near-zero CPU when idle,
 *       commit-to-applied latency near one round trip when busy. No trigger or NOTIFY on the write path.</li>
 *   <li>{@code standbyPoll} (1 s): how long a standby waits in the leader lock's queue before it looks around again
 *       (a stop, a cleared halt); it takes the lead the moment the leader's session ends.</li>
 *   <li>{@code leaderName} ({@code host/pid}): shown in {@code tandem status}.</li>
 *   <li>{@code tracks} (live and release): which projections to run.</li>
 *   <li>{@code journalMaintenance} (10 s): how often this applier offers to run journal maintenance (partitions
 *       ahead of the writers, retention by the policy in {@code tandem.journal_retention}); one applier of the
 *       database runs each pass, whatever its app. {@link Duration#ZERO} turns it off in this applier.</li>
 *   <li>{@code installSchema} (true): whether {@link Applier#start} installs or upgrades Tandem's schema when
 *       needed. False makes it refuse to start (a {@link io.tandem.core.TandemException} saying to run
 *       {@code tandem migrate}) unless the schema is installed and current, so that an applier pointed at the
 *       wrong database creates nothing there; {@code tandem applier} runs this way.</li>
 * </ul>
 *
 * <p>The data source should allow at least 3 connections per track (leader lock, reader, applier) and 2 for journal
 * maintenance: 8 with both tracks (the release track holds none while no online release is in progress, so a smaller
 * pool works until one is — then the tracks wait for each other's connections). {@link Applier#start} warns when a
 * HikariCP pool is smaller.
 */
public final class ApplierConfig {
    private final DataSource dataSource;
    private final String app;
    private RejectPolicy onReject = RejectPolicy.SKIP;
    private int sliceRows = 1000;
    private int ringSize = 8;
    private long sliceBytes = 4L << 20;
    private long readAheadBytes = 32L << 20;
    private Duration maxPollInterval = Duration.ofMillis(10);
    private Duration standbyPoll = Duration.ofSeconds(1);
    private String leaderName = ManagementFactory.getRuntimeMXBean().getName().replace('@', '/');
    private Set<TrackKind> tracks = EnumSet.allOf(TrackKind.class);
    private boolean installSchema = true;
    private Duration journalMaintenance = Duration.ofSeconds(10);

    public ApplierConfig(DataSource dataSource, String app) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.app = Objects.requireNonNull(app, "app");
    }

    public ApplierConfig onReject(RejectPolicy policy) {
        this.onReject = Objects.requireNonNull(policy, "policy");
        return this;
    }

    public ApplierConfig sliceRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("sliceRows must be at least 1, got " + rows);
        }
        this.sliceRows = rows;
        return this;
    }

    public ApplierConfig ringSize(int size) {
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ringSize must be a power of two of at least 2, got " + size);
        }
        this.ringSize = size;
        return this;
    }

    public ApplierConfig maxPollInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("maxPollInterval must be positive, got " + interval);
        }
        this.maxPollInterval = interval;
        return this;
    }

    public ApplierConfig standbyPoll(Duration interval) {
        this.standbyPoll = Objects.requireNonNull(interval, "interval");
        return this;
    }

    public ApplierConfig leaderName(String name) {
        this.leaderName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Which tracks to run (default both): {@code tandem migrate} runs only the release track while it waits for its
     * build to catch up, so that a release completes even where no applier daemon runs.
     */
    public ApplierConfig tracks(Set<TrackKind> kinds) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("an applier runs at least one track");
        }
        this.tracks = EnumSet.copyOf(kinds);
        return this;
    }

    Set<TrackKind> tracks() {
        return tracks;
    }

    public ApplierConfig installSchema(boolean install) {
        this.installSchema = install;
        return this;
    }

    DataSource dataSource() {
        return dataSource;
    }

    String app() {
        return app;
    }

    RejectPolicy onReject() {
        return onReject;
    }

    int sliceRows() {
        return sliceRows;
    }

    /** Ends a slice once its rows hold this many bytes of journal text; at least 1. */
    public ApplierConfig sliceBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("sliceBytes must be at least 1, got " + bytes);
        }
        this.sliceBytes = bytes;
        return this;
    }

    /** The journal text read ahead of the apply side, in bytes, at most; at least 1. */
    public ApplierConfig readAheadBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("readAheadBytes must be at least 1, got " + bytes);
        }
        this.readAheadBytes = bytes;
        return this;
    }

    long sliceBytes() {
        return sliceBytes;
    }

    long readAheadBytes() {
        return readAheadBytes;
    }

    int ringSize() {
        return ringSize;
    }

    Duration maxPollInterval() {
        return maxPollInterval;
    }

    Duration standbyPoll() {
        return standbyPoll;
    }

    String leaderName() {
        return leaderName;
    }

    public ApplierConfig journalMaintenance(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("journalMaintenance must not be negative, got " + interval);
        }
        this.journalMaintenance = interval;
        return this;
    }

    Duration journalMaintenance() {
        return journalMaintenance;
    }

    boolean installSchema() {
        return installSchema;
    }
}
