package io.tandem.views;

import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.SqlIdentifier;

/**
 * Comparing a field in the write trigger, which runs under the writer's search_path (it must not pin its own, see
 * {@link WriteTrigger}): both for "did this field change" and for the optimistic lock's key match.
 *
 * <p>Why it is safe: PostgreSQL searches pg_catalog first, and every field type has an exact {@code =} there —
 * except varchar, which is compared through a cast to {@code pg_catalog.text}, or an operator
 * {@code =(varchar, varchar)} created on the writer's path would win over {@code texteq}.
 */
final class FieldComparison {
    private FieldComparison() {
    }

    /** {@code NEW.f IS DISTINCT FROM OLD.f}, compared as the class comment says. */
    static String changed(FieldDefinition field) {
        return comparable("NEW", field) + " IS DISTINCT FROM " + comparable("OLD", field);
    }

    /** {@code row.field} as the class comment says to compare it: a text-kind field as {@code pg_catalog.text}. */
    static String comparable(String row, FieldDefinition field) {
        String value = row + "." + SqlIdentifier.of(field.name()).quoted();
        return field.type().kind() == FieldType.Kind.TEXT ? value + "::pg_catalog.text" : value;
    }
}
