package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --json}: the command prints its result as exactly one JSON object on stdout instead of text, and a failure
 * as {@code {"ok":false,"error":...}} ({@link FailureHandler}); progress, where a command has any, stays on stderr.
 *
 * <p>Why a mixin: every command that offers it spells, describes and prints it the same way, and the failure
 * handler finds it on whichever command failed without each command reporting it. Public for the commands added to
 * {@link TandemCommand} from outside this module (the checkout's {@code demo}).
 */
public final class JsonOption {

    @Option(names = "--json", description = "Print one JSON object on stdout instead of text (progress goes to stderr)")
    boolean requested;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Whether {@code --json} was given. */
    public boolean requested() {
        return requested;
    }

    /** Prints {@code value} as one JSON object on the command's stdout. */
    public void print(Object value) {
        Output.json(command.commandLine().getOut(), value);
    }

    /** Whether {@code cli}'s command has this option and it was given. */
    static boolean requestedOn(CommandLine cli) {
        return cli.getCommandSpec().mixins().values().stream()
                .anyMatch(mixin -> mixin.userObject() instanceof JsonOption json && json.requested);
    }
}
