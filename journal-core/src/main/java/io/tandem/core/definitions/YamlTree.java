package io.tandem.core.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into {@link YamlNode}s with their locations, using Jackson's streaming YAML parser.
 *
 * <p>Unlike a data-binding read, it reports a duplicate mapping key (which YAML readers silently resolve to the
 * last value) as a problem. A container that is the value of a key is located at that key, so "missing key"
 * problems point at the line that names the entity or field.
 */
final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final JsonParser parser;
    private final String sourceFile;
    private final Problems problems;

    private YamlTree(JsonParser parser, String sourceFile, Problems problems) {
        this.parser = parser;
        this.sourceFile = sourceFile;
        this.problems = problems;
    }

    /** The document's root node, or {@code null} after adding a problem (syntax error, empty file). */
    static YamlNode parse(String source, String sourceFile, Problems problems) {
        try (JsonParser parser = YAML.createParser(source)) {
            return new YamlTree(parser, sourceFile, problems).document();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(sourceFile, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    YamlPath.ROOT, "YAML syntax error: " + oneLine(e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a String", e);
        }
    }

    private YamlNode document() throws IOException {
        if (parser.nextToken() == null) {
            problems.add(sourceFile, 1, 1, YamlPath.ROOT,
                    "the file is empty; a definition needs app:, version: and entities:");
            return null;
        }
        YamlNode root = node(YamlPath.ROOT, location());
        if (parser.nextToken() != null) {
            JsonLocation at = location();
            problems.add(sourceFile, at.getLineNr(), at.getColumnNr(), YamlPath.ROOT,
                    "a second YAML document ('---'); put one version definition per file");
        }
        return root;
    }

    /** The node starting at the current token; {@code at} is where it is reported. */
    private YamlNode node(YamlPath path, JsonLocation at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return mapping(path, at);
        }
        if (token == JsonToken.START_ARRAY) {
            return sequence(path, at);
        }
        JsonLocation own = location();
        String text = token == JsonToken.VALUE_NULL ? null : parser.getText();
        return new YamlNode.Scalar(own.getLineNr(), own.getColumnNr(), text, token);
    }

    private YamlNode.Mapping mapping(YamlPath path, JsonLocation at) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonLocation keyAt = location();
            parser.nextToken();
            YamlNode value = node(path.child(key), keyAt);
            YamlNode.Entry first = entries.get(key);
            if (first == null) {
                entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
            } else {
                problems.add(sourceFile, keyAt.getLineNr(), keyAt.getColumnNr(), path.child(key), "duplicate key '"
                        + key + "' (first at line " + first.line() + "); YAML would silently keep only the last one");
            }
        }
        return new YamlNode.Mapping(at.getLineNr(), at.getColumnNr(), Collections.unmodifiableMap(entries));
    }

    private YamlNode.Sequence sequence(YamlPath path, JsonLocation at) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(node(path.index(items.size()), location()));
        }
        return new YamlNode.Sequence(at.getLineNr(), at.getColumnNr(), List.copyOf(items));
    }

    private JsonLocation location() {
        return parser.currentTokenLocation();
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable YAML" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
