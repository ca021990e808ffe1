package io.tandem.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./tandem demo}'s command line: a bad value is a usage error (exit 2, exactly this one line on stderr,
 * nothing started); its database options are the ones every other command spells.
 */
class DemoCommandTest {

    @ParameterizedTest(name = "tandem demo {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--duration | 0s    | must be longer than zero, not 0s",
            "--duration | soon  | 'soon' is not a duration: use e.g. 20s, 1m or 500ms",
            "--duration | 1e30s | must be at most 24h (86400s), not 1e30s",
            "--rows     | 5     | must be from 10 to 100000000, not 5",
            "--writers  | 0     | must be from 1 to 256, not 0",
            "--jdbc-url | localhost/shop | 'localhost/shop' is not a PostgreSQL JDBC URL: use jdbc:postgresql://HOST:PORT/DB"})
    void aBadValueIsOneLineAndExitTwo(String option, String value, String says) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TandemWithDemo.execute(new PrintWriter(out, true), new PrintWriter(err, true), "demo", option, value);
        assertEquals(2, exit);
        assertEquals("tandem demo: Invalid value for option '" + option + "': " + says + " (usage: tandem demo --help)",
                err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void takesTheDatabaseAndJsonOptionsOfEveryCommand() {
        StringWriter out = new StringWriter();
        assertEquals(0, TandemWithDemo.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "help", "demo"));
        for (String option : new String[]{"--jdbc-url", "--user", "--password", "--json"}) {
            assertTrue(out.toString().contains(option), option + " in: " + out);
        }
    }
}
