package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operators' files in {@code deploy/}: Prometheus alerting rules and the Grafana dashboard, read as Prometheus
 * and Grafana read them, and the Tandem metrics their expressions use ({@code ApplierCommandTest} checks that
 * {@code /metrics} serves each, {@link DeployFilesTest} their shape).
 */
final class DeployFiles {
    static final Path ALERTS = Path.of("..", "deploy", "prometheus", "tandem-alerts.yaml");
    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "tandem-dashboard.json");
    static final Path KUBERNETES = Path.of("..", "deploy", "kubernetes", "tandem-applier.yaml");
    static final Path DOCKERFILE = Path.of("..", "deploy", "docker", "Dockerfile");
    private static final Pattern METRIC = Pattern.compile("\\btandem_[a-z_]+\\b");

    private DeployFiles() {
    }

    static JsonNode alerts() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    }

    /** The Kubernetes manifest's documents, by kind. */
    static java.util.Map<String, JsonNode> kubernetes() throws IOException {
        java.util.Map<String, JsonNode> byKind = new java.util.LinkedHashMap<>();
        try (var parser = new YAMLFactory().createParser(KUBERNETES.toFile())) {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            for (var docs = yaml.readValues(parser, JsonNode.class); docs.hasNext(); ) {
                JsonNode doc = docs.next();
                byKind.put(doc.get("kind").asText(), doc);
            }
        }
        return byKind;
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** Every PromQL expression of the rules and the dashboard's panels. */
    static List<String> expressions() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode group : alerts().get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                out.add(rule.get("expr").asText());
            }
        }
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                out.add(target.get("expr").asText());
            }
        }
        return out;
    }

    /** The Tandem metric names those expressions use. */
    static Set<String> metricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
