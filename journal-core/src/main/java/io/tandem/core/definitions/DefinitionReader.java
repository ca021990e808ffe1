package io.tandem.core.definitions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and validates one version definition ({@code versions/v<N>.yaml}, docs/definitions.md).
 *
 * <p>Guarantees: a returned {@link VersionDefinition} passed every check (see docs/definitions.md): known keys
 * only, required keys present, valid names, supported types, single-expression SQL with parameters that are
 * declared fields, no duplicate keys, file name matching the version. Otherwise it throws a
 * {@link DefinitionException} listing <em>every</em> problem with its file, line and column. Stateless and
 * thread-safe.
 */
public final class DefinitionReader {

    /**
     * Reads a definition file (UTF-8).
     *
     * @throws DefinitionException if it cannot be read or is invalid; problems name {@code file} as given
     */
    public VersionDefinition read(Path file) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            Problems problems = new Problems();
            problems.add(file.toString(), "cannot read the file (" + e + ")");
            throw new DefinitionException(problems.list());
        }
        return read(source, file.toString());
    }

    /**
     * Reads a definition from its text.
     *
     * @param sourceFile where it came from, used in problems; if its name is {@code v<N>.yaml}, N must be the
     *                   declared version
     * @throws DefinitionException if it is invalid
     */
    public VersionDefinition read(String source, String sourceFile) {
        Problems problems = new Problems();
        VersionDefinition definition = new DefinitionParser(source, sourceFile, problems).parse();
        problems.throwIfAny();
        return definition;
    }
}
