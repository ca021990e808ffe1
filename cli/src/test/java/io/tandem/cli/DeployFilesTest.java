package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the operators' files in {@code deploy/}: every alert has a name, an expression, a severity Alertmanager
 * can route on and a summary; every dashboard panel queries the Prometheus data source the dashboard asks for, with
 * distinct ids; the Kubernetes manifest runs two appliers whose command line this build accepts, probed on the port
 * it serves /health on; the Dockerfile packages the jar the build makes. (Whether the metrics they name exist is
 * checked against a running applier's /metrics, in {@code ApplierCommandTest}.)
 */
class DeployFilesTest {

    @Test
    void everyAlertIsNamedRoutedAndExplained() throws Exception {
        Set<String> names = new HashSet<>();
        for (JsonNode group : DeployFiles.alerts().get("groups")) {
            assertFalse(group.get("name").asText().isBlank());
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.get("alert").asText();
                assertTrue(alert.startsWith("Tandem") && names.add(alert), "alert name " + alert);
                assertTrue(rule.get("expr").asText().contains("tandem_"), alert);
                assertTrue(Set.of("critical", "warning").contains(rule.at("/labels/severity").asText()), alert);
                assertFalse(rule.at("/annotations/summary").asText().isBlank(), alert);
                assertFalse(rule.at("/annotations/description").asText().isBlank(), alert);
                if (rule.has("for")) {
                    assertTrue(rule.get("for").asText().matches("[0-9]+[smh]"), alert + " for " + rule.get("for"));
                }
            }
        }
        assertTrue(names.containsAll(Set.of("TandemApplierHalted", "TandemNoApplierLeading", "TandemApplierLagging")),
                names.toString());
    }

    @Test
    void everyPanelQueriesTheDashboardsPrometheus() throws Exception {
        JsonNode dashboard = DeployFiles.dashboard();
        assertEquals("datasource", dashboard.at("/templating/list/0/name").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "panel id " + panel.get("id"));
            assertEquals("${datasource}", panel.at("/datasource/uid").asText(), panel.get("title").asText());
            assertTrue(panel.get("targets").size() > 0, panel.get("title").asText());
        }
        assertTrue(DeployFiles.metricNames().size() >= 10, DeployFiles.metricNames().toString());
    }

    @Test
    void theKubernetesManifestRunsTwoAppliersThisBuildAccepts() throws Exception {
        java.util.Map<String, JsonNode> manifest = DeployFiles.kubernetes();
        assertEquals(java.util.List.of("Deployment", "PodDisruptionBudget", "Service"),
                java.util.List.copyOf(manifest.keySet()));
        JsonNode deployment = manifest.get("Deployment");
        assertEquals(2, deployment.at("/spec/replicas").asInt(), "one leads, one stands by");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        java.util.List<String> args = new java.util.ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        picocli.CommandLine.ParseResult parsed = TandemCommand.commandLine(
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()))
                .parseArgs(args.toArray(String[]::new));
        assertEquals("applier", parsed.subcommand().commandSpec().name(), "the manifest runs the applier: " + args);
        int port = parsed.subcommand().matchedOptionValue("--http-port", 0);
        assertTrue(port > 0, "it serves /health and /metrics: " + args);
        assertEquals(port, container.at("/ports/0/containerPort").asInt());
        assertEquals("/health", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals(port, container.at("/readinessProbe/httpGet/port").asInt());
        assertEquals(port, container.at("/livenessProbe/tcpSocket/port").asInt());
        Set<String> env = new HashSet<>();
        container.get("env").forEach(e -> env.add(e.get("name").asText()));
        assertEquals(Set.of("TANDEM_JDBC_URL", "TANDEM_USER", "TANDEM_PASSWORD"), env, "the login comes from a Secret");
        assertEquals(port, manifest.get("Service").at("/spec/ports/0/targetPort").asInt());
        assertEquals(deployment.at("/spec/selector/matchLabels"), manifest.get("PodDisruptionBudget")
                .at("/spec/selector/matchLabels"));
    }

    @Test
    void theDockerfilePackagesTheJarTheBuildMakes() throws Exception {
        String dockerfile = java.nio.file.Files.readString(DeployFiles.DOCKERFILE);
        String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
        assertTrue(pom.contains("<runnable.jar.name>tandem</runnable.jar.name>"), "the cli module builds tandem.jar");
        assertTrue(dockerfile.contains("COPY cli/target/tandem.jar /opt/tandem/tandem.jar"), dockerfile);
        assertTrue(dockerfile.contains("\"-jar\", \"/opt/tandem/tandem.jar\""), dockerfile);
        String image = DeployFiles.kubernetes().get("Deployment").at("/spec/template/spec/containers/0/image").asText();
        assertTrue(dockerfile.contains("-t " + image + " "), "the manifest runs the image the Dockerfile says to build");
    }
}
