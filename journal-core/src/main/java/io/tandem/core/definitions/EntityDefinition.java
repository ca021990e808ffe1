package io.tandem.core.definitions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entity of an app version: the view {@code <app>_v<N>.<name>} that reads it and the {@link WriteItem}s that
 * project its journal rows into physical tables.
 *
 * <p>Guarantees (as built by {@link DefinitionReader}): {@code name} and every field name are valid
 * {@link SqlIdentifier}s; {@code key} is non-empty, without duplicates, and names declared fields; every write
 * item references only declared fields; {@code versionField}, when present, is a declared non-key field of an
 * integer or timestamp type of a writable entity. An entity without writes is read-only. Collections keep
 * definition order and are unmodifiable.
 *
 * @param name   entity name, also the view's name
 * @param key    the key fields, in order
 * @param from   the view's FROM clause over physical tables, e.g. {@code customer c}; joins allowed
 * @param fields field name → definition, in view column order
 * @param writes how journal rows land in physical tables, in order (deletes run last item first)
 * @param versionField the optimistic-lock field ({@code version_field}, docs/definitions.md), or {@code null}: an
 *                     update or delete through the view matches no row when another transaction's committed, not
 *                     yet applied write changed it
 */
public record EntityDefinition(String name, List<String> key, String from, Map<String, FieldDefinition> fields,
                               List<WriteItem> writes, String versionField) {

    public EntityDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
        key = List.copyOf(key);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(fields, "fields")));
        writes = List.copyOf(writes);
    }

    /** An entity without an optimistic-lock field. */
    public EntityDefinition(String name, List<String> key, String from, Map<String, FieldDefinition> fields,
                            List<WriteItem> writes) {
        this(name, key, from, fields, writes, null);
    }

    /** Whether the entity declares an optimistic-lock field. */
    public boolean versioned() {
        return versionField != null;
    }

    /** Field name → declared type, in field order. */
    public Map<String, FieldType> fieldTypes() {
        Map<String, FieldType> types = new LinkedHashMap<>();
        fields.forEach((field, definition) -> types.put(field, definition.type()));
        return Collections.unmodifiableMap(types);
    }

    /** Whether journal rows of this entity are rejected because it has nowhere to write them. */
    public boolean readOnly() {
        return writes.isEmpty();
    }
}
