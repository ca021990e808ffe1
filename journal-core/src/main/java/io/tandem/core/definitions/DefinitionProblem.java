package io.tandem.core.definitions;

import java.util.Objects;

/**
 * One thing wrong with a version definition or a release folder, located precisely enough to fix it.
 *
 * @param sourceFile the file (or folder), as given to the reader
 * @param line       1-based line, or 0 when the problem concerns the whole file or folder
 * @param column     1-based column, or 0 when unknown
 * @param path       where in the document, e.g. {@code entities.customer.writes[0].set.first_name}; empty for the
 *                   document itself
 * @param message    what is wrong, and what is allowed instead
 */
public record DefinitionProblem(String sourceFile, int line, int column, String path, String message) {

    public DefinitionProblem {
        Objects.requireNonNull(sourceFile, "sourceFile");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code FILE:LINE:COL: PATH: MESSAGE}, leaving out the parts that are unknown or empty. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(sourceFile);
        if (line > 0) {
            s.append(':').append(line);
            if (column > 0) {
                s.append(':').append(column);
            }
        }
        s.append(": ");
        if (!path.isEmpty()) {
            s.append(path).append(": ");
        }
        return s.append(message).toString();
    }
}
