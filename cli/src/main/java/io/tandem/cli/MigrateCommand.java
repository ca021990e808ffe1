package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.definitions.Release;
import io.tandem.views.MigrationReport;
import io.tandem.views.Migrator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tandem migrate --schemas DIR}: the release step (see {@link Migrator}) — online (built beside the live
 * tables, then switched) when a migration would lock a live table for a time that grows with its size, else in
 * place; {@code --plan} only prints what it would do.
 */
@Command(name = "migrate", description = "Release: pending migrations, definitions, views and grants; built beside"
        + " the live tables and switched in milliseconds when a migration rewrites or scans a table.")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;
    @Mixin
    SchemasOptions schemas;
    @Option(names = "--lock-timeout-ms", defaultValue = "2000", converter = OptionValues.Millis.class,
            description = "Longest wait for any lock before the attempt is rolled back and retried, in ms, "
                    + "1 to 3600000 (default 2000)")
    long lockTimeoutMillis;
    @Option(names = "--quiet-wait-ms", defaultValue = "60000", converter = OptionValues.WaitMillis.class,
            description = "Online: how long the switch waits for a moment when no app transaction has held a view"
                    + " for 100 ms or more before it asks for its locks anyway, in ms, 0 to 3600000 (default 60000)")
    long quietWaitMillis;
    @Option(names = "--attempts", defaultValue = "5", converter = OptionValues.Positive.class,
            description = "Attempts before giving up on lock timeouts, at least 1 (default 5)")
    int attempts;
    @Mixin
    JsonOption json;
    @Option(names = "--plan", description = "Print the plan (each pending statement, the tables to build beside and"
            + " their size, online or in place) and change nothing")
    boolean plan;
    @CommandLine.ArgGroup(exclusive = true)
    ModeOption mode;
    @Option(names = "--copy-rate", paramLabel = "ROWS", defaultValue = "0", converter = OptionValues.Rate.class,
            description = "Online: copy at most ROWS rows per second (default 0: no limit)")
    long copyRate;
    @Option(names = "--baseline", description = "Adopt a database that predates Tandem: record the first migration (the"
            + " baseline of its existing tables, drafted by `tandem views scaffold`) as applied without running it;"
            + " the tables and their rows are kept")
    boolean baseline;
    @Option(names = "--max-lag-ms", defaultValue = "2000", converter = OptionValues.Millis.class,
            description = "Online: pause the copy while the live applier is more than this behind (default 2000)")
    long maxLagMillis;

    /** --online | --in-place: forces the path instead of letting the plan choose. */
    static final class ModeOption {
        @Option(names = "--online", description = "Build beside the live tables even if every change is metadata only")
        boolean online;
        @Option(names = "--in-place", description = "Run the migrations on the live tables in one transaction (their"
                + " locks are held until it commits)")
        boolean inPlace;
    }
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Release release = schemas.release();
        PrintWriter err = spec.commandLine().getErr();
        try (HikariDataSource pool = connection.pool("migrate", 10)) {
            Migrator migrator = new Migrator(pool).lockTimeout(Duration.ofMillis(lockTimeoutMillis))
                    .attempts(attempts).copyRowsPerSecond(copyRate).maxLag(Duration.ofMillis(maxLagMillis))
                    .quietWait(Duration.ofMillis(quietWaitMillis))
                    .mode(mode == null ? Migrator.Mode.AUTO : mode.online ? Migrator.Mode.ONLINE : Migrator.Mode.IN_PLACE)
                    .baseline(baseline)
                    .progress(line -> {
                        err.println("migrate: " + line);
                        err.flush();
                    });
            if (plan) {
                return printPlan(migrator.plan(release));
            }
            MigrationReport report = migrator.migrate(release);
            if (json.requested()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("app", report.app());
                out.put("mode", report.mode());
                out.put("migrations_applied", report.migrationsApplied());
                out.put("versions", report.versions());
                out.put("pause_ms", report.pauseMillis());
                out.put("switch_ms", report.switchMillis());
                out.put("copied_rows", report.copiedRows());
                out.put("copy_rows_per_s", Math.round(report.copyRowsPerSecond()));
                out.put("caught_up_rows", report.caughtUpRows());
                out.put("quiet_wait_ms", report.quietWaitMillis());
                out.put("attempts", report.attempts());
                out.put("total_ms", report.totalMillis());
                json.print(out);
            } else {
                spec.commandLine().getOut().printf("Released %s %s: %d migration(s) %s, live versions %s; views held"
                                + " %d ms, applier held %d ms%s%n", report.app(), report.mode(),
                        report.migrationsApplied().size(), report.migrationsApplied(), report.versions(),
                        report.switchMillis(), report.pauseMillis(), report.mode().equals("online")
                                ? "; previous tables kept until `tandem release finish --app " + report.app() + "`"
                                : "");
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    private int printPlan(Migrator.PlannedRelease planned) {
        if (json.requested()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("app", planned.plan().app());
            out.put("online", planned.online());
            out.put("adopts", planned.adopts());
            out.put("pending", planned.plan().pending());
            out.put("statements", planned.plan().statements().stream().map(s -> Map.of("file", s.file(), "line",
                    s.line(), "effect", s.effect().name().toLowerCase(java.util.Locale.ROOT), "table",
                    s.table() == null ? "" : s.table())).toList());
            out.put("build", planned.plan().built().stream().map(t -> Map.of("table", t.table(), "rows", t.rows(),
                    "bytes", t.bytes())).toList());
            out.put("refusals", planned.plan().refusals());
            json.print(out);
        } else {
            planned.describe().forEach(spec.commandLine().getOut()::println);
            planned.plan().refusals().forEach(r -> spec.commandLine().getOut().println("  cannot be built beside: " + r));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
