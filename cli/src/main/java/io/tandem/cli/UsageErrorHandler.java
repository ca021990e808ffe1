package io.tandem.cli;

import picocli.CommandLine;

import java.util.Optional;

/**
 * Turns a bad command line — an unknown option, a missing one, a value that does not convert or is out of range —
 * into exit code 2 and exactly one line on stderr: the command, what is wrong, and where the usage is. Never a stack
 * trace, whatever the cause.
 */
final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String command = cli.getCommandSpec().qualifiedName(" ");
        cli.getErr().println(command + ": " + oneLine(unknownCommand(e).orElse(e.getMessage())) + " (usage: " + command
                + " --help)");
        cli.getErr().flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** {@code tandem bogus}: which commands there are, where picocli says "Unmatched argument at index 0". */
    private static Optional<String> unknownCommand(CommandLine.ParameterException e) {
        CommandLine cli = e.getCommandLine();
        if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched) || cli.getSubcommands().isEmpty()
                || unmatched.getUnmatched().isEmpty() || unmatched.getUnmatched().get(0).startsWith("-")) {
            return Optional.empty();
        }
        return Optional.of("Unknown command '" + unmatched.getUnmatched().get(0) + "'; the commands are "
                + String.join(", ", cli.getSubcommands().keySet()));
    }

    private static String oneLine(String message) {
        String text = message == null ? "invalid command line" : message.strip();
        return text.replaceAll("\\s*\\R\\s*", "; ");
    }
}
