package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TandemCommandTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("version"), run.out());
    }

    @Test
    void versionAsJsonIsOneObject() throws Exception {
        CliRun run = CliRun.of("version", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertTrue(json.has("tandem") && json.has("java"), run.out());
        assertEquals(1, run.out().strip().lines().count(), "exactly one line of JSON");
    }

    @Test
    void badFlagsAreOneLineSayingWhereTheUsageIsAndExitTwo() {
        CliRun run = CliRun.of("version", "--no-such-flag");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("tandem version: Unknown option: '--no-such-flag'")
                && run.err().contains("tandem help version"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(2, CliRun.of().exitCode());
    }
}
