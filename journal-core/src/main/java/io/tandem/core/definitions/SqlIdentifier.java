package io.tandem.core.definitions;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A validated name of a PostgreSQL object that Tandem puts into generated SQL: an app, entity, field, schema,
 * table or column name.
 *
 * <p>Guarantees: the name matches {@code [a-z_][a-z0-9_]{0,62}}, so it is at most 63 bytes (PostgreSQL's
 * {@code NAMEDATALEN - 1}, beyond which the server silently truncates) and {@link #quoted()} is always safe to splice
 * into SQL. Only <em>lowercase</em> is accepted because PostgreSQL folds unquoted identifiers to lowercase: a
 * definition author writing {@code read: c.firstName} in a hand-written expression means the column
 * {@code firstname}, while Tandem's generated, quoted {@code "firstName"} would mean another one. Allowing only
 * names that read the same quoted and unquoted removes that trap. Reserved words ({@code order}, {@code user})
 * are allowed: Tandem always quotes what it generates.
 *
 * @param name the name as written, already valid
 */
public record SqlIdentifier(String name) {
    private static final Pattern VALID = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** What {@link #of} accepts, for error messages. */
    public static final String RULE = "use lowercase letters, digits and '_', starting with a letter or '_', "
            + "at most 63 characters (PostgreSQL folds unquoted names to lowercase)";

    /** Validates like {@link #of}. */
    public SqlIdentifier {
        Objects.requireNonNull(name, "name");
        if (!VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid name: " + RULE);
        }
    }

    /**
     * A validated identifier.
     *
     * @throws IllegalArgumentException naming the value and the rule it breaks
     */
    public static SqlIdentifier of(String name) {
        return new SqlIdentifier(name);
    }

    /** Whether {@code name} would be accepted by {@link #of}. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** The name in double quotes, ready for SQL, e.g. {@code "full_name"}. */
    public String quoted() {
        return '"' + name + '"';
    }

    @Override
    public String toString() {
        return name;
    }
}
