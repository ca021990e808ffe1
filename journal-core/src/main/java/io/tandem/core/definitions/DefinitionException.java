package io.tandem.core.definitions;

import io.tandem.core.TandemException;

import java.util.List;

/**
 * Version definitions that cannot be used, with every problem found (not just the first).
 *
 * <p>The message has one line per problem, {@code FILE:LINE:COL: PATH: MESSAGE}, after a summary line, and ends
 * saying what to do.
 */
public class DefinitionException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final transient List<DefinitionProblem> problems;

    /** @param problems at least one */
    public DefinitionException(List<DefinitionProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found (file by file, top to bottom). */
    public List<DefinitionProblem> problems() {
        return problems;
    }

    private static String message(List<DefinitionProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a DefinitionException needs at least one problem");
        }
        StringBuilder s = new StringBuilder();
        s.append(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                .append(" in version definitions:\n");
        problems.forEach(p -> s.append("  ").append(p).append('\n'));
        return s.append("Fix each line above and load the definitions again; nothing was applied.").toString();
    }
}
