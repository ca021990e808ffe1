package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.RejectPolicy;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.TandemSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tandem applier --app A}: runs the applier daemon until SIGTERM (or Ctrl-C), which stops it cleanly —
 * the slices already read are applied or rolled back, and the lead is released.
 *
 * <p>It never installs Tandem's schema: a database without it (or with an older one), or an app with no version
 * released there, is refused with a message saying to run {@code tandem migrate} first — so an applier pointed at
 * the wrong database or app fails at once instead of creating tables there or waiting for nothing.
 */
@Command(name = "applier", description = "Run the journal applier of an app (stops cleanly on SIGTERM).")
final class ApplierCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ApplierCommand.class);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--app", required = true, description = "The app whose journal to apply, e.g. shop")
    String app;

    @Option(names = "--on-reject", defaultValue = "skip", paramLabel = "skip|halt",
            description = "What to do with a transaction that cannot be applied: skip (default) moves it to "
                    + "tandem.rejects and goes on; halt stops every write of the app before it until an operator acts")
    RejectPolicy onReject;

    @Option(names = "--http-port", paramLabel = "PORT", converter = OptionValues.Port.class,
            description = "Serve /health and /metrics (Prometheus) on this port (1-65535)")
    Integer httpPort;

    @Option(names = "--slice-rows", defaultValue = "1000", converter = OptionValues.SliceRows.class,
            description = "Rows per target transaction, 1 to 1000000 (default 1000)")
    int sliceRows;

    @Option(names = "--max-poll-ms", defaultValue = "10", converter = OptionValues.Millis.class,
            description = "Longest pause between looks at an idle journal, in ms, 1 to 3600000 (default 10)")
    long maxPollMillis;

    @Override
    public Integer call() throws Exception {
        try (HikariDataSource pool = connection.pool("applier-" + app, 8)) {
            TandemSchema.requireCurrent(pool);
            try (Connection c = pool.getConnection()) {
                KnownApps.require(c, app, connection.jdbcUrl);
            }
            Applier applier = Applier.start(new ApplierConfig(pool, app).onReject(onReject).sliceRows(sliceRows)
                    .maxPollInterval(Duration.ofMillis(maxPollMillis)).installSchema(false));
            Thread stopper = new Thread(applier::close, "tandem-applier-sigterm");
            Runtime.getRuntime().addShutdownHook(stopper);
            try (ApplierEndpoint endpoint = httpPort == null ? null : ApplierEndpoint.start(httpPort, applier, pool, app);
                 CatchUpProgress progress = CatchUpProgress.start(applier, pool, app)) {
                log.info("Applier of app {} started (on-reject {}){}", app, onReject.name().toLowerCase(Locale.ROOT),
                        httpPort == null ? "" : "; /health and /metrics on port " + httpPort);
                applier.awaitStopped(Duration.ofDays(36500));
            }
            return applier.state() == ApplierState.HALTED ? 1 : 0;
        }
    }
}
