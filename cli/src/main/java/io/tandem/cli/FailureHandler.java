package io.tandem.cli;

import io.tandem.core.TandemException;
import picocli.CommandLine;

import java.util.Map;

/**
 * Turns an exception escaping a subcommand into exit code 1 and a message: the bare message for a
 * {@link TandemException} (written to be read by the user), the exception with its cause chain otherwise.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String message = describe(e);
        if (JsonOption.requestedOn(cli)) {
            Output.json(cli.getOut(), Map.of("ok", false, "error", message));
        } else {
            cli.getErr().println(cli.getCommandSpec().qualifiedName(" ") + ": " + message);
            if (!(e instanceof TandemException)) {
                e.printStackTrace(cli.getErr());
            }
        }
        return 1;
    }

    private static String describe(Throwable e) {
        if (e instanceof TandemException) {
            return e.getMessage();
        }
        StringBuilder text = new StringBuilder(String.valueOf(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }
}
