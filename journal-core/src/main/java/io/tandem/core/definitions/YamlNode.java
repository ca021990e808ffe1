package io.tandem.core.definitions;

import com.fasterxml.jackson.core.JsonToken;

import java.util.List;
import java.util.Map;

/**
 * A YAML node that remembers where it was written (1-based line and column), so definition problems can name the
 * line. Built by {@link YamlTree}; immutable.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    int line();

    int column();

    /** For messages: "a mapping", "a list", "a value". */
    String kind();

    /**
     * A scalar; {@code text} is {@code null} for a YAML null (an empty value or {@code ~}).
     *
     * @param token how YAML typed it, e.g. {@link JsonToken#VALUE_NUMBER_INT} for {@code 1}
     */
    record Scalar(int line, int column, String text, JsonToken token) implements YamlNode {
        public String kind() {
            return "a value";
        }

        boolean isNull() {
            return text == null;
        }
    }

    /** A mapping with its entries in document order; keys are unique (duplicates are reported, first kept). */
    record Mapping(int line, int column, Map<String, Entry> entries) implements YamlNode {
        public String kind() {
            return "a mapping";
        }

        /** The value under {@code key}, or {@code null}. */
        YamlNode get(String key) {
            Entry entry = entries.get(key);
            return entry == null ? null : entry.value();
        }
    }

    /** A list. */
    record Sequence(int line, int column, List<YamlNode> items) implements YamlNode {
        public String kind() {
            return "a list";
        }
    }

    /** A mapping entry: the key's own location, and its value. */
    record Entry(String key, int line, int column, YamlNode value) {
    }
}
