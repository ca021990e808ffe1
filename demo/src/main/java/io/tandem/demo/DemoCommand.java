package io.tandem.demo;

import io.tandem.cli.JsonOption;
import io.tandem.cli.OptionValues;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tandem demo}: the main job (see {@link Demo}). Exit 1 if anything was lost, duplicated or failed. A
 * subcommand of the checkout's {@code ./tandem} ({@link TandemWithDemo}), not of the product's jar.
 */
@Command(name = "demo", description = "A live zero-downtime release of the example shop on an embedded PostgreSQL, verified.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--jdbc-url", paramLabel = "URL", converter = OptionValues.PostgresUrl.class,
            description = "Run on this server, in a fresh database created and dropped by the demo (default: embedded)")
    String jdbcUrl;
    @Option(names = "--user", description = "Database user for --jdbc-url")
    String user;
    @Option(names = "--password", description = "Database password for --jdbc-url")
    String password;
    @Option(names = "--rows", defaultValue = "100000", converter = Rows.class,
            description = "Customers seeded at release 1, at least 10 (default 100000)")
    int rows;
    @Option(names = "--writers", defaultValue = "4", converter = Writers.class,
            description = "Writer threads per app version, 1 to 256 (default 4)")
    int writers;
    @Option(names = "--duration", defaultValue = "20s", paramLabel = "D", converter = OptionValues.PositiveDuration.class,
            description = "Length of each writing phase: 20s, 1m, 500ms (default 20s)")
    Duration duration;
    @Option(names = "--schemas", paramLabel = "DIR", description = "The schemas folder (default: the repository's)")
    Path schemas;
    @Mixin
    JsonOption json;
    @Option(names = "--test-drop-row", hidden = true,
            description = "Test hook: drop an applied row before the final comparison")
    boolean dropRow;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The demo's rows: at least 10 (its writers pick among the seeded customers). */
    static final class Rows extends OptionValues.IntRange {
        Rows() {
            super(10, 100_000_000);
        }
    }

    /** Writer threads per version: 1 to 256. */
    static final class Writers extends OptionValues.IntRange {
        Writers() {
            super(1, 256);
        }
    }

    @Override
    public Integer call() throws Exception {
        DemoConfig config = new DemoConfig(schemasDir(), jdbcUrl, user, password, rows, writers, duration, dropRow);
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && !json.requested();
        DemoReport report = Demo.run(config, line -> {
            err.print(line);
            err.flush();
        }, terminal);
        PrintWriter out = spec.commandLine().getOut();
        if (json.requested()) {
            json.print(report.toMap());
        } else {
            print(out, report);
        }
        return report.ok() ? 0 : 1;
    }

    private Path schemasDir() {
        if (schemas != null) {
            return schemas;
        }
        String home = System.getProperty("tandem.home");
        return home == null ? Path.of("schemas") : Path.of(home, "schemas");
    }

    private static void print(PrintWriter out, DemoReport r) {
        out.println();
        out.printf("%-8s %8s %8s %8s %7s %11s %10s %9s %9s%n", "phase", "seconds", "v1 w", "v2 w", "errors",
                "write stall", "read stall", "lag p99", "pause");
        for (PhaseReport p : r.phases()) {
            out.printf("%-8s %8.1f %8d %8d %7d %9d ms %7d ms %6d ms %6d ms%n", p.phase(), p.seconds(), p.writesV1(),
                    p.writesV2(), p.errors(), p.maxWriteStallMs(), p.maxReadStallMs(), p.lagP99Ms(), p.migrationPauseMs());
        }
        out.printf("%nwrites %d   errors %d   lost %d   duplicated %d%n", r.writes(), r.errors(), r.lost(), r.duplicated());
        r.findings().forEach(f -> out.println("  " + f));
        out.println(r.ok() ? "OK: every acknowledged write is in the physical tables and in every live version's views."
                : "FAILED: see above.");
        out.flush();
    }
}
