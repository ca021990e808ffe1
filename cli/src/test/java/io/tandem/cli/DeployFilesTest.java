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
 * distinct ids. (Whether the metrics they name exist is checked against a running applier's /metrics, in
 * {@code ApplierCommandTest}.)
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
}
