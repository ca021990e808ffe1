package io.tandem.views;

import java.util.Objects;

/**
 * One way a version definition does not fit the physical schema, found by {@link Lint}.
 *
 * <p>Guarantees: {@link #message} says what is wrong and what to do about it; {@link #toString} is one line,
 * e.g. {@code shop v1 customer.phone: column customer.phone is NOT NULL without a DEFAULT and version 1's insert
 * does not fill it; add a DEFAULT in the migration or map the column in writes}.
 *
 * @param app     the app, e.g. {@code shop}
 * @param version the app version whose definition has the problem
 * @param entity  the entity
 * @param subject the field or column concerned, or {@code null} when the problem is the entity's (its FROM
 *                clause, a write item's table or key)
 * @param message what is wrong and what to do, one line
 * @param where   where the definition says what is wrong, {@code file:line:column} (the field's entry, else the
 *                entity's), or just the file
 */
public record LintProblem(String app, int version, String entity, String subject, String message, String where) {

    public LintProblem {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(where, "where");
    }

    /** {@code <app> v<N> <entity>[.<subject>]: <message>}. */
    @Override
    public String toString() {
        return app + " v" + version + " " + entity + (subject == null ? "" : "." + subject) + ": " + message;
    }

    /** {@link #toString()} after where it is: {@code schemas/shop/versions/v2.yaml:15:7: shop v2 customer.phone: ...}. */
    public String located() {
        return where + ": " + this;
    }
}
