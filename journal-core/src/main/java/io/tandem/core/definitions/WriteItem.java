package io.tandem.core.definitions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One step of how a journal row of an entity lands in a physical table: a {@code writes} item of docs/definitions.md.
 *
 * <p>An insert inserts {@code key} and {@code set} columns; an update sets the {@code set} columns whose
 * expression references a changed field, where the {@code key} columns match; a delete deletes where the
 * {@code key} columns match. Guarantees (as built by {@link DefinitionReader}): {@code table} parses as a
 * {@link QualifiedName}; every column is a valid {@link SqlIdentifier} and appears once; {@code key} is not empty
 * and its expressions use only the entity's key fields (a delete carries nothing else); every parameter is a field
 * of the entity. Maps keep definition order and are unmodifiable.
 *
 * @param table physical table, {@code table} or {@code schema.table}
 * @param key   column → expression identifying the row
 * @param set   column → expression for the other columns written
 */
public record WriteItem(String table, Map<String, SqlExpression> key, Map<String, SqlExpression> set) {

    public WriteItem {
        Objects.requireNonNull(table, "table");
        key = frozen(key, "key");
        set = frozen(set, "set");
    }

    /** {@link #table} parsed. */
    public QualifiedName tableName() {
        return QualifiedName.parse(table);
    }

    /** The distinct fields read by the key and set expressions, in order of first occurrence. */
    public Set<String> referencedFields() {
        Set<String> fields = new LinkedHashSet<>();
        key.values().forEach(e -> fields.addAll(e.referencedFields()));
        set.values().forEach(e -> fields.addAll(e.referencedFields()));
        return Collections.unmodifiableSet(fields);
    }

    private static Map<String, SqlExpression> frozen(Map<String, SqlExpression> map, String what) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map, what)));
    }
}
