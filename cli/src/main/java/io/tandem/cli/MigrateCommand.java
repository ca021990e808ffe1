package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.Release;
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

/** {@code tandem migrate --schemas DIR}: the release step, online (see {@link Migrator}). */
@Command(name = "migrate", description = "Release: pending migrations, definitions, views and grants in one transaction.")
final class MigrateCommand implements Callable<Integer>, JsonCapable {
    @Mixin
    ConnectionOptions connection;
    @Mixin
    SchemasOptions schemas;
    @Option(names = "--lock-timeout-ms", defaultValue = "2000", converter = OptionValues.Millis.class,
            description = "Longest wait for any lock before the attempt is rolled back and retried, in ms, "
                    + "1 to 3600000 (default 2000)")
    long lockTimeoutMillis;
    @Option(names = "--attempts", defaultValue = "5", converter = OptionValues.Positive.class,
            description = "Attempts before giving up on lock timeouts, at least 1 (default 5)")
    int attempts;
    @Option(names = "--json", description = "Print one JSON object (progress still goes to stderr)")
    boolean json;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Release release = schemas.release();
        PrintWriter err = spec.commandLine().getErr();
        try (HikariDataSource pool = connection.pool("migrate", 3)) {
            MigrationReport report = new Migrator(pool).lockTimeout(Duration.ofMillis(lockTimeoutMillis))
                    .attempts(attempts).progress(line -> {
                        err.println("migrate: " + line);
                        err.flush();
                    }).migrate(release);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ok", true);
                out.put("app", report.app());
                out.put("migrations_applied", report.migrationsApplied());
                out.put("versions", report.versions());
                out.put("pause_ms", report.pauseMillis());
                out.put("attempts", report.attempts());
                out.put("total_ms", report.totalMillis());
                Output.json(spec.commandLine().getOut(), out);
            } else {
                spec.commandLine().getOut().printf("Released %s: %d migration(s) %s, live versions %s; applier paused %d ms%n",
                        report.app(), report.migrationsApplied().size(), report.migrationsApplied(), report.versions(),
                        report.pauseMillis());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Override
    public boolean json() {
        return json;
    }
}
