package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * Prints {@code result} as one JSON object on the command's stdout, led by {@code "ok": true} unless the result
     * says {@code ok} itself (a check that found problems): every command's object says whether it succeeded, as a
     * failure's does. The result's own keys follow in its order.
     */
    public void print(Map<String, ?> result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.putAll(result);
        Output.json(command.commandLine().getOut(), out);
    }

    /** Whether {@code cli}'s command has this option and it was given. */
    static boolean requestedOn(CommandLine cli) {
        return cli.getCommandSpec().mixins().values().stream()
                .anyMatch(mixin -> mixin.userObject() instanceof JsonOption json && json.requested);
    }
}
