package io.tandem.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.tandem.core.storage.JournalStorage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierStatus;
import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.db.TrackRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The applier's HTTP endpoint: {@code /health} (200 while leading or standing by, 503 when halted or stopped, or
 * when rows are pending and no applier leads the app, with a JSON body) and {@code /metrics} in Prometheus text format through Micrometer.
 *
 * <p>Lag figures come from {@link ApplierStatus}, read from the database at most once a second however often the
 * endpoint is scraped.
 */
final class ApplierEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplierEndpoint.class);
    private static final long STATUS_TTL_NANOS = 1_000_000_000L;

    private final HttpServer server;
    private final Applier applier;
    private final DataSource dataSource;
    private final String app;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ApplierStatus status;
    private long statusReadAt;

    private ApplierEndpoint(HttpServer server, Applier applier, DataSource dataSource, String app) {
        this.server = server;
        this.applier = applier;
        this.dataSource = dataSource;
        this.app = app;
    }

    static ApplierEndpoint start(int port, Applier applier, DataSource dataSource, String app) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new TandemException("Cannot serve /health and /metrics on port " + port + ": " + e.getMessage()
                    + ". Choose another --http-port.", e);
        }
        ApplierEndpoint endpoint = new ApplierEndpoint(server, applier, dataSource, app);
        endpoint.bindMetrics();
        server.createContext("/health", endpoint::health);
        server.createContext("/metrics", endpoint::metrics);
        server.start();
        return endpoint;
    }

    private void bindMetrics() {
        FunctionCounter.builder("tandem.applier.applied.rows", applier, a -> a.stats().appliedRows())
                .tag("app", app).description("Journal rows applied by this process").register(registry);
        FunctionCounter.builder("tandem.applier.slices", applier, a -> a.stats().slices())
                .tag("app", app).description("Target transactions committed").register(registry);
        FunctionCounter.builder("tandem.applier.rejected.transactions", applier, a -> a.stats().rejectedTransactions())
                .tag("app", app).description("Source transactions moved to tandem.rejects").register(registry);
        Gauge.builder("tandem.applier.lag.rows", this, e -> e.status() == null ? Double.NaN : e.status().pending())
                .tag("app", app).description("Committed journal rows not yet applied").register(registry);
        Gauge.builder("tandem.applier.lag.ms", this, e -> e.status() == null ? Double.NaN : e.status().lagMillis())
                .tag("app", app).description("Age of the oldest unapplied journal row").register(registry);
        Gauge.builder("tandem.applier.rejects", this, e -> e.status() == null ? Double.NaN : e.status().rejects())
                .tag("app", app).description("Rows in tandem.rejects").register(registry);
        Gauge.builder("tandem.applier.leader", applier, a -> leaderGauge(a.state()))
                .tag("app", app).description("1 while this process leads and applies (or is held by a release); 0 when"
                        + " standing by, halted or stopped").register(registry);
        Gauge.builder("tandem.applier.halted", applier, a -> a.state() == ApplierState.HALTED ? 1 : 0)
                .tag("app", app).description("1 when this process's applier halted before a transaction it could not"
                        + " apply (see tandem status): it applies nothing until restarted").register(registry);
        Gauge.builder("tandem.applier.noop.writes", this, e -> e.status() == null ? Double.NaN : e.status().noopWrites())
                .tag("app", app).description("Journal rows applied that wrote nothing: updates and deletes of rows"
                        + " that did not exist (already deleted or never inserted)").register(registry);
        Gauge.builder("tandem.applier.unattended", this,
                        e -> e.status() == null ? Double.NaN : e.status().unattended() ? 1 : 0)
                .tag("app", app).description("1 while journal rows are pending and no applier leads the app (every"
                        + " applier gone): nothing catches up until one starts").register(registry);
        Gauge.builder("tandem.journal.bytes", this, e -> e.journal() == null ? Double.NaN : e.journal().bytes())
                .description("Bytes the journal occupies on disk, indexes included (every app of the database)")
                .register(registry);
        Gauge.builder("tandem.journal.rows", this, e -> e.journal() == null ? Double.NaN : e.journal().rows())
                .description("Rows in the journal, as PostgreSQL estimates them").register(registry);
        Gauge.builder("tandem.journal.oldest.row.age.seconds", this, e -> e.journal() == null
                        || e.journal().oldestWrittenAt() == null ? Double.NaN
                        : Duration.between(e.journal().oldestWrittenAt(), Instant.now()).toSeconds())
                .description("Age of the oldest row retention has kept").register(registry);
        FunctionCounter.builder("tandem.journal.removed.rows", this, e -> e.journal() == null ? Double.NaN
                        : e.journal().removedRows())
                .description("Journal rows retention has removed (in this database, by any applier)").register(registry);
        Gauge.builder("tandem.journal.retention.held", this, e -> e.journal() == null ? Double.NaN
                        : e.journal().heldBack() == null ? 0 : 1)
                .description("1 while something holds retention back (unapplied rows, an unresolved reject, a release,"
                        + " a long transaction, a failing maintenance pass): see tandem journal status").register(registry);
        Gauge.builder("tandem.release.phase", this, e -> e.status() == null ? Double.NaN : e.releasePhase)
                .tag("app", app).description("Online release in progress: 0 none, 1 copying, 2 migrating the build,"
                        + " 3 catching up, 4 switched (previous tables kept)").register(registry);
        Gauge.builder("tandem.release.copied.rows", this, e -> e.status() == null ? Double.NaN : e.releaseCopied)
                .tag("app", app).description("Rows the release in progress copied into its build").register(registry);
        Gauge.builder("tandem.release.track.behind.rows", this, e -> e.status() == null ? Double.NaN : e.releaseBehind)
                .tag("app", app).description("Journal rows the release track has yet to project to reach the live"
                        + " applier").register(registry);
        Gauge.builder("tandem.release.track.halted", this, e -> e.status() == null ? Double.NaN : e.releaseHalted)
                .tag("app", app).description("1 when the release track halted (see tandem release status)")
                .register(registry);
    }

    /**
     * The leader gauge's value: 1 while this process leads and applies, or leads held by a release; 0 standing by,
     * halted or stopped. Why not "holds the lead", as /health's {@code leader} says: a halted leader applies nothing,
     * and a dashboard that alerts on "no applier leading" must see it.
     */
    static double leaderGauge(ApplierState state) {
        return state == ApplierState.RUNNING || state == ApplierState.PAUSED ? 1 : 0;
    }

    private volatile double releasePhase;
    private volatile double releaseCopied;
    private volatile double releaseBehind;
    private volatile double releaseHalted;

    private volatile JournalStorage journal;

    private JournalStorage journal() {
        status();
        return journal;
    }

    private synchronized ApplierStatus status() {
        if (status == null || System.nanoTime() - statusReadAt > STATUS_TTL_NANOS) {
            try (Connection c = dataSource.getConnection()) {
                status = ApplierStatus.read(c, app);
                ReleaseState release = ReleaseState.find(c, app).orElse(null);
                releasePhase = release == null ? 0 : release.phase().ordinal() + 1;
                releaseCopied = release == null ? 0 : release.copiedRows();
                releaseBehind = release == null ? 0 : TrackRow.release(app).behindLive(c);
                releaseHalted = release != null && release.state() == ApplierState.HALTED ? 1 : 0;
                journal = JournalStorage.read(c);
                statusReadAt = System.nanoTime();
            } catch (SQLException e) {
                log.warn("Could not read the applier status for /metrics: {}", e.getMessage());
                return null;
            }
        }
        return status;
    }

    private void health(HttpExchange exchange) throws IOException {
        ApplierState state = applier.state();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", app);
        body.put("state", state.sql());
        body.put("leader", state == ApplierState.RUNNING || state == ApplierState.PAUSED || state == ApplierState.HALTED);
        if (applier.haltedReason() != null) {
            body.put("halted_reason", applier.haltedReason());
        }
        ApplierStatus seen = status();
        boolean unattended = seen != null && seen.unattended() && state != ApplierState.RUNNING;
        if (unattended) {
            body.put("attention", StatusCommand.attention(seen));
        }
        boolean healthy = !unattended
                && (state == ApplierState.RUNNING || state == ApplierState.STANDBY || state == ApplierState.PAUSED);
        respond(exchange, healthy ? 200 : 503, "application/json", Output.toJson(body));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
