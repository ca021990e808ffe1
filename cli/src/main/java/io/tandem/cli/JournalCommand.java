package io.tandem.cli;

import io.tandem.core.TandemException;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.ArchiveReplay;
import io.tandem.applier.Rejects;
import io.tandem.applier.RetentionPolicy;
import io.tandem.core.storage.JournalStorage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code tandem journal status|retention|resolve|replay}: the journal's size and retention (docs/retention.md).
 * Each subcommand connects as the journal's owner, the role the applier runs as.
 */
@Command(name = "journal", description = "The journal's size, its retention policy, rejects to resolve, and"
        + " replaying an archive.", subcommands = {JournalCommand.Status.class, JournalCommand.Retention.class,
        JournalCommand.Resolve.class, JournalCommand.Replay.class})
final class JournalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name what to do: status, retention, resolve"
                + " or replay (tandem journal --help)");
    }

    /** The journal's figures and the policy, as {@code tandem status} shows them in one line. */
    static Map<String, Object> toMap(JournalStorage s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partitions", s.partitions());
        out.put("rows", s.rows());
        out.put("bytes", s.bytes());
        out.put("oldest_written_at", s.oldestWrittenAt());
        out.put("overflow_in_use", s.overflowInUse());
        out.put("maintained_at", s.checkedAt());
        out.put("maintained_by", s.checkedBy());
        out.put("held_back", s.heldBack());
        out.put("removed_at", s.removedAt());
        out.put("removed_partitions", s.removedPartitions());
        out.put("removed_rows", s.removedRows());
        out.put("removed_bytes", s.removedBytes());
        return out;
    }

    /** One line for {@code tandem status}. */
    static String line(JournalStorage s) {
        StringBuilder line = new StringBuilder(String.format("%d partition(s), ~%,d row(s), %s", s.partitions(),
                s.rows(), mib(s.bytes())));
        line.append(s.oldestWrittenAt() == null ? ", empty" : ", oldest row " + s.oldestWrittenAt());
        line.append(s.removedAt() == null ? "; retention removed nothing yet"
                : String.format("; retention removed %,d row(s) (%s), last at %s", s.removedRows(),
                mib(s.removedBytes()), s.removedAt()));
        if (s.heldBack() != null) {
            line.append("; HELD BACK: ").append(s.heldBack());
        }
        if (s.overflowInUse()) {
            line.append("; the overflow partition is in use: no applier ran journal maintenance in time");
        }
        return line.toString();
    }

    /** A size in MiB, or in GiB from 10 GiB on (the unit --max-size is usually given in). */
    private static String mib(long bytes) {
        return bytes >= 10L << 30 ? String.format("%.1f GiB", bytes / 1073741824.0)
                : String.format("%.1f MiB", bytes / 1048576.0);
    }

    @Command(name = "status", description = "Show the journal's partitions, size, oldest row and what retention did.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (HikariDataSource pool = connection.pool("journal", 1); Connection c = pool.getConnection()) {
                KnownApps.requireInstalled(c, connection.jdbcUrl);
                JournalStorage storage = JournalStorage.read(c);
                RetentionPolicy policy = RetentionPolicy.read(c);
                if (json.requested()) {
                    Map<String, Object> out = toMap(storage);
                    out.put("policy", policyMap(policy));
                    json.print(out);
                } else {
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("journal    " + line(storage));
                    out.println("policy     " + policyLine(policy));
                    out.flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "retention", description = "Show or set the retention policy: how long applied rows are kept"
            + " (per app or for the database), a size cap, an archive (a directory or a database).")
    static final class Retention implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Option(names = "--keep", converter = OptionValues.Period.class, paramLabel = "PERIOD",
                description = "Keep applied rows this long after their partition is sealed, e.g. 24h or 7d (at least 5m)")
        Duration keep;
        @Option(names = "--app", description = "Set --keep for this app only (default: the database's, for every app"
                + " without its own)")
        String app;
        @Option(names = "--default", description = "With --app: the app follows the database's --keep again")
        boolean backToDefault;
        @Option(names = "--max-size", converter = OptionValues.ByteSize.class, paramLabel = "SIZE",
                description = "Remove the oldest applied partitions while the journal is bigger, e.g. 50GB")
        Long maxBytes;
        @Option(names = "--archive-dir", paramLabel = "DIR", description = "Before removing a partition, write it here"
                + " (gzip CSV + manifest.json), on the machine of the applier that runs maintenance")
        Path archiveDir;
        @Option(names = "--archive-url", paramLabel = "URL", description = "Before removing a partition, write it to"
                + " this PostgreSQL database (schema tandem_archive), e.g. jdbc:postgresql://host/archive?user=archiver;"
                + " no password in the URL: each applier's machine has it in ~/.pgpass or PGPASSFILE")
        String archiveUrl;
        @Option(names = "--partition-xids", paramLabel = "N", description = "Transaction ids per new partition"
                + " (default: sized from the rate, about an eighth of the shortest --keep)")
        Long partitionXids;
        @Option(names = "--clear", split = ",", paramLabel = "SETTING",
                description = "Reset settings: max-size, archive-dir, archive-url, partition-xids")
        Set<String> clear = Set.of();
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            for (String setting : clear) {
                if (!Set.of("max-size", "archive-dir", "archive-url", "partition-xids").contains(setting)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--clear takes max-size, archive-dir,"
                            + " archive-url or partition-xids, not " + setting);
                }
                boolean alsoSet = switch (setting) {
                    case "max-size" -> maxBytes != null;
                    case "archive-dir" -> archiveDir != null;
                    case "archive-url" -> archiveUrl != null;
                    default -> partitionXids != null;
                };
                if (alsoSet) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--clear " + setting + " and --"
                            + setting + " together: give the new value alone (it replaces the old one)");
                }
            }
            if (backToDefault && app == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--default goes with --app: it puts that"
                        + " app back on the database's --keep");
            }
            if (app != null && keep == null && !backToDefault) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--app " + app + " needs --keep PERIOD,"
                        + " or --default to follow the database's again");
            }
            try (HikariDataSource pool = connection.pool("journal", 1); Connection c = pool.getConnection()) {
                if (app != null) {
                    KnownApps.require(c, app, connection.jdbcUrl);
                } else {
                    KnownApps.requireInstalled(c, connection.jdbcUrl);
                }
                try {
                    if (app != null) {
                        if (maxBytes != null || archiveDir != null || archiveUrl != null || partitionXids != null
                                || !clear.isEmpty()) {
                            throw new CommandLine.ParameterException(spec.commandLine(), "--app sets --keep only: the"
                                    + " size cap, archive and partition width are the database's");
                        }
                        RetentionPolicy.setApp(c, app, backToDefault ? null : keep);
                    } else {
                        RetentionPolicy.setDatabase(c, keep, maxBytes, archiveDir, archiveUrl, partitionXids, clear);
                    }
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                RetentionPolicy policy = RetentionPolicy.read(c);
                if (json.requested()) {
                    json.print(policyMap(policy));
                } else {
                    spec.commandLine().getOut().println("policy     " + policyLine(policy));
                    spec.commandLine().getOut().flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "resolve", description = "Mark an app's rejected transactions resolved, so retention may remove"
            + " their journal rows.")
    static final class Resolve implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Option(names = "--app", required = true, description = "The app, e.g. shop")
        String app;
        @CommandLine.ArgGroup(multiplicity = "1")
        Which which;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        static final class Which {
            @Option(names = "--txid", description = "The rejected transaction (tandem.rejects.txid)")
            Long txid;
            @Option(names = "--all", description = "Every unresolved reject of the app")
            boolean all;
        }

        @Override
        public Integer call() throws Exception {
            try (HikariDataSource pool = connection.pool("journal", 1); Connection c = pool.getConnection()) {
                KnownApps.require(c, app, connection.jdbcUrl);
                int marked = Rejects.resolve(c, app, which.all ? null : which.txid);
                if (marked == 0 && !which.all) {
                    throw new TandemException("No unresolved reject of app '" + app + "' has txid " + which.txid
                            + ": SELECT txid, reason FROM tandem.rejects WHERE app = '" + app + "' AND resolved_at IS"
                            + " NULL lists those there are. Nothing changed.");
                }
                if (json.requested()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("app", app);
                    out.put("resolved", marked);
                    json.print(out);
                } else {
                    spec.commandLine().getOut().printf("Marked %d reject row(s) of %s resolved%n", marked, app);
                    spec.commandLine().getOut().flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "replay", description = "Append a journal archive's transactions to this database's journal,"
            + " for its applier to project (the versions must be released here).")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Option(names = "--archive", required = true, paramLabel = "DIR|URL", description = "The archive: the"
                + " directory, or the jdbc:postgresql: URL of the database, retention archived into")
        String archive;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            try (HikariDataSource pool = connection.pool("journal", 1)) {
                try (Connection c = pool.getConnection()) {
                    KnownApps.requireInstalled(c, connection.jdbcUrl);
                }
                ArchiveReplay.Report report;
                try {
                    report = ArchiveReplay.replay(pool, archive, line -> {
                        err.println("replay: " + line);
                        err.flush();
                    });
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--archive: " + e.getMessage());
                }
                if (json.requested()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("partitions", report.partitions());
                    out.put("transactions", report.transactions());
                    out.put("rows", report.rows());
                    json.print(out);
                } else {
                    spec.commandLine().getOut().printf("Appended %,d transaction(s), %,d row(s) from %d archived"
                                    + " partition(s); the applier projects them (tandem status --app APP)%n",
                            report.transactions(), report.rows(), report.partitions());
                    spec.commandLine().getOut().flush();
                }
                return 0;
            }
        }
    }

    private static Map<String, Object> policyMap(RetentionPolicy p) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> keep = new TreeMap<>();
        p.keepFor().forEach((app, d) -> keep.put(app.isEmpty() ? "*" : app, d.toString()));
        out.put("keep_for", keep);
        out.put("max_bytes", p.maxBytes());
        out.put("archive_dir", p.archiveDir() == null ? null : p.archiveDir().toString());
        out.put("archive_url", p.archiveUrl());
        out.put("partition_xids", p.partitionXids());
        return out;
    }

    private static String policyLine(RetentionPolicy p) {
        StringBuilder line = new StringBuilder("keep applied rows " + human(p.keepFor("")));
        p.keepFor().entrySet().stream().filter(e -> !e.getKey().isEmpty()).sorted(Map.Entry.comparingByKey())
                .forEach(e -> line.append(", ").append(e.getKey()).append(' ').append(human(e.getValue())));
        line.append(p.maxBytes() == null ? "; no size cap" : "; at most " + mib(p.maxBytes()));
        line.append(p.archiveLocation() == null ? "; no archive" : "; archived to " + p.archiveLocation());
        line.append(p.partitionXids() == null ? "; partitions sized from the rate"
                : "; " + p.partitionXids() + " transaction ids per partition");
        return line.toString();
    }

    private static String human(Duration d) {
        return d.toDays() > 0 && d.toHours() % 24 == 0 ? d.toDays() + "d"
                : d.toMinutes() % 60 == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }
}
