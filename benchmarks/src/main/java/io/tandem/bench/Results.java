package io.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a run found: the JSON object of results.json and the sections of RESULTS.md, filled by each benchmark. */
final class Results {
    final Map<String, Object> json = new LinkedHashMap<>();
    final StringBuilder md = new StringBuilder();

    void put(String key, Object value) {
        json.put(key, value);
    }

    Results line(String text) {
        md.append(text).append('\n');
        return this;
    }

    void progress(String text) {
        System.err.println("[bench] " + text);
        System.err.flush();
    }

    void writeJson(Path file) throws IOException {
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(json) + "\n");
    }
}
