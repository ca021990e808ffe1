package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        assertTrue(run.out().startsWith("{\"ok\":true,"), "every object says first whether it succeeded: " + run.out());
        assertEquals(1, run.out().strip().lines().count(), "exactly one line of JSON");
    }

    @Test
    void badFlagsAreOneLineSayingWhereTheUsageIsAndExitTwo() {
        CliRun run = CliRun.of("version", "--no-such-flag");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("tandem version: Unknown option: '--no-such-flag'")
                && run.err().contains("(usage: tandem version --help)"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    /** Even a command with required options shows its usage, and so does {@code help} with the command's path. */
    @Test
    void everyCommandShowsItsUsage() {
        commands().filter(c -> !c.getCommandSpec().helpCommand()).forEach(command -> {
            String name = command.getCommandSpec().qualifiedName(" ");
            List<String> path = List.of(name.substring("tandem ".length()).split(" "));
            for (List<String> args : List.of(concat(path, "--help"), concat(path, "-h"), concat(List.of("help"), path.toArray(String[]::new)))) {
                CliRun run = CliRun.of(args.toArray(String[]::new));
                assertEquals(0, run.exitCode(), args + ": " + run.err());
                assertTrue(run.out().startsWith("Usage: " + name + " "), args + ": " + run.out());
            }
        });
        CliRun helpsItself = CliRun.of("help", "--help");
        assertEquals(0, helpsItself.exitCode(), helpsItself.err());
        assertTrue(helpsItself.out().startsWith("Usage: tandem help "), helpsItself.out());
        CliRun unknown = CliRun.of("help", "journal", "nosuch");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("'nosuch' is not a command of tandem journal (status, retention, resolve,"
                + " replay)"), unknown.err());
    }

    private static List<String> concat(List<String> path, String... more) {
        return Stream.concat(path.stream(), Stream.of(more)).toList();
    }

    @Test
    void anUnknownCommandIsAUsageErrorListingTheCommands() {
        CliRun run = CliRun.of("bogus");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("tandem: Unknown command 'bogus'; the commands are applier, migrate, release,")
                && run.err().strip().endsWith("(usage: tandem --help)"), run.err());
        CliRun nested = CliRun.of("journal", "bogus");
        assertEquals(2, nested.exitCode());
        assertTrue(nested.err().startsWith("tandem journal: Unknown command 'bogus'; the commands are status,"
                + " retention, resolve, replay"), nested.err());
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(2, CliRun.of().exitCode());
    }

    /** A production install carries only the product: neither the demo nor the example shop and its Hibernate. */
    @Test
    void theProductCarriesNoDemo() {
        CliRun run = CliRun.of("demo");
        assertEquals(2, run.exitCode(), run.err());
        for (String absent : List.of("io.tandem.demo.Demo", "io.tandem.examples.shop.ShopApp",
                "org.hibernate.SessionFactory")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
        }
    }

    /** What README.md's "Command line" says of the options every command takes. */
    @Test
    void everyCommandButTheApplierAndHelpTakesJson() {
        List<String> without = commands().filter(c -> c.getCommandSpec().findOption("--json") == null)
                .map(c -> c.getCommandSpec().qualifiedName(" ")).toList();
        assertEquals(List.of("tandem applier", "tandem help"), without);
    }

    @Test
    void everyCommandThatTakesAUrlTakesAUserAndAPassword() {
        List<CommandLine> connecting = commands().filter(c -> c.getCommandSpec().findOption("--jdbc-url") != null)
                .toList();
        assertEquals(List.of("applier", "migrate", "release", "retire", "status", "status", "retention", "resolve",
                        "replay", "check", "generate", "scaffold"),
                connecting.stream().map(CommandLine::getCommandName).toList());
        connecting.forEach(c -> assertTrue(c.getCommandSpec().findOption("--user") != null
                && c.getCommandSpec().findOption("--password") != null, c.getCommandName()));
    }

    /** Every command that runs: the subcommands without subcommands of their own. */
    private static Stream<CommandLine> commands() {
        return leaves(new CommandLine(new TandemCommand()));
    }

    private static Stream<CommandLine> leaves(CommandLine cli) {
        return cli.getSubcommands().isEmpty() ? Stream.of(cli)
                : cli.getSubcommands().values().stream().distinct().flatMap(TandemCommandTest::leaves);
    }
}
