package io.tandem.views;

import io.tandem.core.TandemException;

import java.util.List;

/**
 * A release that was refused before anything changed: lint problems, or a live version missing from the release.
 * The database is exactly as before.
 */
public class MigrationRefusedException extends TandemException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public MigrationRefusedException(String app, List<String> problems) {
        super("The release of app '" + app + "' was refused and rolled back; nothing changed. "
                + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
