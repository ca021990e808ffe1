package io.tandem.core.definitions;

import java.util.ArrayList;
import java.util.List;

/** Collects definition problems across files, so a user sees all of them at once. Not thread-safe. */
final class Problems {
    private final List<DefinitionProblem> found = new ArrayList<>();

    void add(String sourceFile, int line, int column, YamlPath path, String message) {
        found.add(new DefinitionProblem(sourceFile, line, column, path.text(), message));
    }

    void add(String sourceFile, YamlNode at, YamlPath path, String message) {
        add(sourceFile, at.line(), at.column(), path, message);
    }

    /** A problem about a whole file or folder. */
    void add(String sourceFile, String message) {
        add(sourceFile, 0, 0, YamlPath.ROOT, message);
    }

    List<DefinitionProblem> list() {
        return List.copyOf(found);
    }

    int size() {
        return found.size();
    }

    /** @throws DefinitionException listing every problem, if there is any */
    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new DefinitionException(found);
        }
    }
}
