package io.tandem.views;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/security.md backs each line of its threat model with a test: every test class and method it names exists in
 * the repository's test sources, so the page cannot go on citing a test that was renamed or removed.
 */
class SecurityDocTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern TEST_CLASS = Pattern.compile("`([A-Z][A-Za-z]*Test)(?:\\.([a-z][A-Za-z]*))?`");
    private static final Pattern MORE_METHODS = Pattern.compile(", `([a-z][A-Za-z]*)`");

    @Test
    void everyTestTheThreatModelNamesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (String line : Files.readAllLines(ROOT.resolve("docs/security.md"))) {
            Matcher m = TEST_CLASS.matcher(line);
            while (m.find()) {
                named++;
                String source = source(m.group(1));
                if (source == null) {
                    missing.add(m.group(1));
                    continue;
                }
                List<String> methods = new ArrayList<>();
                if (m.group(2) != null) {
                    methods.add(m.group(2));
                    Matcher more = MORE_METHODS.matcher(line.substring(m.end()));
                    int at = 0;
                    while (more.find(at) && more.start() == at) { // `A.b`, `c`, `d`: methods of A too
                        methods.add(more.group(1));
                        at = more.end();
                    }
                }
                for (String method : methods) {
                    if (!source.contains("void " + method + "(")) {
                        missing.add(m.group(1) + "." + method);
                    }
                }
            }
        }
        assertTrue(named >= 15, "the page names its tests: " + named);
        assertEquals(List.of(), missing, "docs/security.md names tests that do not exist");
    }

    private static String source(String testClass) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            Path file = files.filter(p -> p.toString().contains("/src/test/java/") && !p.toString().contains("/target/")
                    && p.getFileName().toString().equals(testClass + ".java")).findFirst().orElse(null);
            return file == null ? null : Files.readString(file);
        }
    }
}
