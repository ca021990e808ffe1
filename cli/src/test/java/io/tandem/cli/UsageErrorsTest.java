package io.tandem.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad command-line value of every command is a usage error: exit 2 and exactly one line on stderr that says
 * what is wrong and where the usage is, before anything connects anywhere (the URL given points nowhere). No stack
 * trace, whatever the option.
 */
class UsageErrorsTest {
    private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/none";

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                bad("--slice-rows", "must be from 1 to 1000000, not 0", "applier", "--app", "shop", "--slice-rows", "0", "--jdbc-url", NOWHERE),
                bad("--slice-rows", "'many' is not a whole number", "applier", "--app", "shop", "--slice-rows", "many", "--jdbc-url", NOWHERE),
                bad("--slice-rows", "not 99999999999", "applier", "--app", "shop", "--slice-rows", "99999999999", "--jdbc-url", NOWHERE),
                bad("--http-port", "must be from 1 to 65535, not 99999", "applier", "--app", "shop", "--http-port", "99999", "--jdbc-url", NOWHERE),
                bad("--http-port", "not 0", "applier", "--app", "shop", "--http-port", "0", "--jdbc-url", NOWHERE),
                bad("--http-port", "not -1", "applier", "--app", "shop", "--http-port", "-1", "--jdbc-url", NOWHERE),
                bad("--max-poll-ms", "not 0", "applier", "--app", "shop", "--max-poll-ms", "0", "--jdbc-url", NOWHERE),
                bad("--on-reject", "expected one of [HALT, SKIP] (case-insensitive) but was 'ignore'", "applier", "--app", "shop", "--on-reject", "ignore", "--jdbc-url", NOWHERE),
                bad("--jdbc-url", "'localhost:5432/shop' is not a PostgreSQL JDBC URL", "applier", "--app", "shop", "--jdbc-url", "localhost:5432/shop"),
                bad("--app", "Missing required option", "applier", "--jdbc-url", NOWHERE),
                bad("--jdbc-url", "No database given", "status", "--app", "shop"),
                bad("--lock-timeout-ms", "not 0", "migrate", "--schemas", "../schemas/shop", "--lock-timeout-ms", "0", "--jdbc-url", NOWHERE),
                bad("--attempts", "must be at least 1, not 0", "migrate", "--schemas", "../schemas/shop", "--attempts", "0", "--jdbc-url", NOWHERE),
                bad("--schemas", "--schemas no/such/folder is not a folder", "migrate", "--schemas", "no/such/folder", "--jdbc-url", NOWHERE),
                bad("--schemas", "--schemas no/such/folder is not a folder", "views", "check", "--schemas", "no/such/folder"),
                bad("--app", "--app foo, but --schemas ../schemas/shop is the folder of app shop", "views", "check", "--schemas", "../schemas/shop", "--app", "foo"),
                bad("--version", "must be at least 1, not -2", "retire", "--app", "shop", "--version", "-2", "--jdbc-url", NOWHERE),
                bad("--max-size", "--clear max-size and --max-size together", "journal", "retention", "--clear", "max-size", "--max-size", "3GB", "--jdbc-url", NOWHERE),
                bad("--no-such-flag", "Unknown option", "version", "--no-such-flag"));
    }

    private static Arguments bad(String option, String says, String... args) {
        return Arguments.of(String.join(" ", args), option, says, args);
    }

    @ParameterizedTest(name = "tandem {0}")
    @MethodSource("badCommandLines")
    void isOneLineAndExitTwo(String line, String option, String says, String[] args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err() + run.out());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.startsWith("tandem " + args[0] + (List.of("views", "journal").contains(args[0]) ? " " + args[1] : "")
                + ": "), err);
        assertTrue(err.contains(option), "names " + option + ": " + err);
        assertTrue(err.contains(says), "says '" + says + "': " + err);
        assertTrue(err.endsWith(" --help)"), "says where the usage is: " + err);
        assertEquals("", run.out());
    }
}
