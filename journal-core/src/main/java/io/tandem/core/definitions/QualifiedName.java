package io.tandem.core.definitions;

import java.util.Objects;

/**
 * A table name as written in a definition's {@code writes}: {@code table} or {@code schema.table}, each part a
 * valid {@link SqlIdentifier}.
 *
 * <p>Guarantees: {@link #quoted()} is safe to splice into SQL. An unqualified name resolves through the
 * connection's {@code search_path}, as it would in the app's own Flyway migrations.
 *
 * @param schema the schema, or {@code null} when the name is unqualified
 * @param name   the table
 */
public record QualifiedName(SqlIdentifier schema, SqlIdentifier name) {

    public QualifiedName {
        Objects.requireNonNull(name, "name");
    }

    /**
     * Parses {@code table} or {@code schema.table}.
     *
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static QualifiedName parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("'" + text + "' is not a valid table name: use table or schema.table");
        }
        try {
            return parts.length == 1 ? new QualifiedName(null, SqlIdentifier.of(parts[0]))
                    : new QualifiedName(SqlIdentifier.of(parts[0]), SqlIdentifier.of(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid table name: " + SqlIdentifier.RULE, e);
        }
    }

    /** The name ready for SQL, e.g. {@code "shop"."customer"} or {@code "customer"}. */
    public String quoted() {
        return schema == null ? name.quoted() : schema.quoted() + "." + name.quoted();
    }

    /** The name as written, e.g. {@code shop.customer}. */
    @Override
    public String toString() {
        return schema == null ? name.name() : schema.name() + "." + name.name();
    }
}
