package io.tandem.views;

import io.tandem.core.TandemException;

import java.util.List;

/**
 * A release that was refused before anything changed: lint problems, or a live version missing from the release.
 * The database is exactly as before. ({@code views generate} refuses what would not compile the same way.)
 */
public class MigrationRefusedException extends TandemException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    /** @param problems one line each, e.g. lint's {@link LintProblem#located()} */
    public MigrationRefusedException(String app, List<String> problems) {
        super("The release of app '" + app + "' was refused and rolled back; nothing changed. "
                + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** A refusal of {@code what} (e.g. {@code views}, which {@code views generate} writes) before it was written. */
    public MigrationRefusedException(String app, List<String> problems, String what) {
        super("The " + what + " of app '" + app + "' were not written: " + problems.size() + " problem(s):\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
