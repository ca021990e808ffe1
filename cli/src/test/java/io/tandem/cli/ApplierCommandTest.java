package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.core.db.TandemSchema;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tandem applier} as an operator runs it: a separate process, /health, /metrics, status, SIGTERM. */
@PostgresTest
class ApplierCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runsServesHealthAndMetricsAndStopsCleanlyOnSigterm(TestDatabase db) throws Exception {
        Release shop = Release.load(Path.of("..", "schemas", "releases", "1", "shop"));
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(Files.readString(shop.migrations().get(0)));
            VersionRegistry.save(c, shop.version(1));
            JournalWriter writer = new JournalWriter(shop.versions());
            List<JournalEntry> entries = new ArrayList<>();
            for (long id = 1; id <= 30; id++) {
                entries.add(JournalEntry.insert("shop", 1, "customer", Map.of("id", id),
                        Map.of("id", id, "full_name", "C " + id, "email", id + "@example.com")));
            }
            writer.append(c, entries);
        }
        JsonNode before = status(db, StatusCommand.NEEDS_ATTENTION);
        assertEquals(30, before.get("pending").asLong(), before.toString());
        assertEquals("stopped", before.get("applier").get("state").asText());
        assertTrue(before.get("attention").asText().contains("30 row(s) pending and no applier leads shop"),
                before.toString());

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        File log = new File("target/applier-command-test.log");
        Process applier = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TandemCommand.class.getName(), "applier",
                "--app", "shop", "--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password(),
                "--http-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode now = waitFor(db, s -> s.get("pending").asLong() == 0 && "running".equals(s.get("applier").get("state").asText()));
            assertTrue(now.get("applier").get("leader_alive").asBoolean(), now.toString());
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE application_name = 'tandem-applier-shop'")) {
                rs.next();
                assertTrue(rs.getInt(1) > 0, "the command's sessions are named after its pool");
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("running", JSON.readTree(health.body()).get("state").asText());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("tandem_applier_applied_rows_total{app=\"shop\"} 30.0"), metrics);
            assertTrue(metrics.contains("tandem_applier_lag_rows{app=\"shop\"} 0.0"), metrics);
            assertTrue(metrics.contains("tandem_applier_unattended{app=\"shop\"} 0.0"), metrics);
            assertTrue(metrics.contains("tandem_applier_halted{app=\"shop\"} 0.0"), metrics);
            for (String name : DeployFiles.metricNames()) {
                assertTrue(metrics.contains("\n" + name + "{") || metrics.contains("\n" + name + " "),
                        "deploy/ uses " + name + ", which /metrics does not serve");
            }
        } finally {
            applier.destroy(); // SIGTERM
        }
        assertTrue(applier.waitFor(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS), "stops after SIGTERM");
        String output = Files.readString(log.toPath());
        // The JVM reports a SIGTERM as 143 (128 + 15) whatever the hooks do; "clean" is what the log and state say.
        assertEquals(143, applier.exitValue(), output);
        assertTrue(output.contains("Applier of app 'shop' stopped; 30 row(s) applied"), output);
        JsonNode after = status(db, 0);
        assertEquals("stopped", after.get("applier").get("state").asText(), after.toString());
        assertEquals(List.of(1), JSON.convertValue(after.get("versions"), List.class));
    }

    private interface Check {
        boolean ok(JsonNode status);
    }

    private static JsonNode waitFor(TestDatabase db, Check check) throws Exception {
        JsonNode[] last = new JsonNode[1];
        Await.until("tandem status shows every row applied by a running applier", () -> {
            last[0] = status(db, -1); // 3 until the applier leads
            return check.ok(last[0]);
        });
        return last[0];
    }

    /** {@code tandem status --json}, asserting its exit code unless {@code exitCode} is negative. */
    private static JsonNode status(TestDatabase db, int exitCode) throws Exception {
        CliRun run = CliRun.of("status", "--app", "shop", "--json", "--jdbc-url", db.jdbcUrl(), "--user", db.user(),
                "--password", db.password());
        if (exitCode >= 0) {
            assertEquals(exitCode, run.exitCode(), run.err() + run.out());
        }
        return JSON.readTree(run.out());
    }
}
