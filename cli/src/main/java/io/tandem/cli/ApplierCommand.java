package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.ApplierState;
import io.tandem.applier.RejectPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code tandem applier --app A}: runs the applier daemon until SIGTERM (or Ctrl-C), which stops it cleanly —
 * the slices already read are applied or rolled back, and the lead is released.
 */
@Command(name = "applier", description = "Run the journal applier of an app (stops cleanly on SIGTERM).")
final class ApplierCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ApplierCommand.class);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--app", required = true, description = "The app whose journal to apply, e.g. shop")
    String app;

    @Option(names = "--on-reject", defaultValue = "halt", paramLabel = "halt|skip",
            description = "What to do with a transaction that cannot be applied: halt (default) stops before it; "
                    + "skip moves it to tandem.rejects and goes on")
    String onReject;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve /health and /metrics (Prometheus) on this port")
    Integer httpPort;

    @Option(names = "--slice-rows", defaultValue = "1000", description = "Rows per target transaction (default 1000)")
    int sliceRows;

    @Option(names = "--max-poll-ms", defaultValue = "10",
            description = "Longest pause between looks at an idle journal, in ms (default 10)")
    long maxPollMillis;

    @Override
    public Integer call() throws Exception {
        RejectPolicy policy = switch (onReject) {
            case "halt" -> RejectPolicy.HALT;
            case "skip" -> RejectPolicy.SKIP;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--on-reject must be halt or skip, not '" + onReject + "'");
        };
        try (HikariDataSource pool = connection.pool("applier-" + app, 8)) {
            Applier applier = Applier.start(new ApplierConfig(pool, app).onReject(policy).sliceRows(sliceRows)
                    .maxPollInterval(Duration.ofMillis(maxPollMillis)));
            Thread stopper = new Thread(applier::close, "tandem-applier-sigterm");
            Runtime.getRuntime().addShutdownHook(stopper);
            try (ApplierEndpoint endpoint = httpPort == null ? null : ApplierEndpoint.start(httpPort, applier, pool, app);
                 CatchUpProgress progress = CatchUpProgress.start(applier, pool, app)) {
                log.info("Applier of app {} started (on-reject {}){}", app, onReject,
                        httpPort == null ? "" : "; /health and /metrics on port " + httpPort);
                applier.awaitStopped(Duration.ofDays(36500));
            }
            return applier.state() == ApplierState.HALTED ? 1 : 0;
        }
    }
}
