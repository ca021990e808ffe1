package io.tandem.core.definitions;

import java.util.Objects;

/**
 * One field of an entity in a version definition: its declared type and how its view reads it.
 *
 * <p>Guarantees (as built by {@link DefinitionReader}): {@code name} is a valid {@link SqlIdentifier};
 * {@code read} is one SQL expression over the entity's {@code from} clause, without parameters.
 *
 * @param name the field name, also the view's column name
 * @param type the declared type: journal values of this field are cast to it
 * @param read the SQL expression the view selects for it, e.g. {@code c.email}
 */
public record FieldDefinition(String name, FieldType type, String read) {

    public FieldDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(read, "read");
    }
}
