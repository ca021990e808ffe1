package io.tandem.core.journal;

import io.tandem.core.definitions.FieldType;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entity mutation as written to the journal (one row of {@code tandem.journal}).
 *
 * <p>Values in {@code key} and {@code data} are Java values of the field's declared type (see {@link FieldType}):
 * {@code Long}, {@code Integer}, {@code Short}, {@code BigDecimal}, {@code Double}, {@code Float}, {@code String},
 * {@code Boolean}, {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime}, {@code UUID}, {@code byte[]},
 * or {@code null}. The maps keep insertion order and are unmodifiable.
 *
 * @param app     app name, e.g. {@code shop}
 * @param version the app version whose definition interprets this entry
 * @param entity  logical entity name in that version
 * @param op      insert, update or delete
 * @param key     the entity's key fields
 * @param data    insert: all fields; update: at least the changed fields; delete: {@code null}
 * @param changed update: the fields the writer changed; {@code null} means every field in {@code data}
 * @param origin  the database or site that wrote it, or {@code null}
 */
public record JournalEntry(String app, int version, String entity, Op op, Map<String, Object> key,
                           Map<String, Object> data, List<String> changed, String origin) {

    public JournalEntry {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        key = FrozenFields.of(key);
        data = data == null ? null : FrozenFields.of(data);
        changed = changed == null ? null : List.copyOf(changed);
    }

    /** An insert: {@code data} holds every field of the entity (key fields included or not). */
    public static JournalEntry insert(String app, int version, String entity, Map<String, Object> key,
                                      Map<String, Object> data) {
        return new JournalEntry(app, version, entity, Op.INSERT, key, data, null, null);
    }

    /** An update of the fields named in {@code changed}, whose new values are in {@code data}. */
    public static JournalEntry update(String app, int version, String entity, Map<String, Object> key,
                                      Map<String, Object> data, List<String> changed) {
        return new JournalEntry(app, version, entity, Op.UPDATE, key, data, changed, null);
    }

    /** A delete by key. */
    public static JournalEntry delete(String app, int version, String entity, Map<String, Object> key) {
        return new JournalEntry(app, version, entity, Op.DELETE, key, null, null, null);
    }

    /** The same entry stamped with the site that wrote it. */
    public JournalEntry withOrigin(String newOrigin) {
        return new JournalEntry(app, version, entity, op, key, data, changed, newOrigin);
    }

    /**
     * The fields this entry changes: for an update {@code changed} (or every field in {@code data} when it is
     * {@code null}); for an insert every field in {@code data}; for a delete none.
     */
    public List<String> changedFields() {
        if (op == Op.DELETE || data == null) {
            return List.of();
        }
        if (op == Op.UPDATE && changed != null) {
            return changed;
        }
        return List.copyOf(data.keySet());
    }

    /** A field's value from {@code data}, else from {@code key} (the lookup docs/definitions.md gives {@code :field}). */
    public Object value(String field) {
        if (data != null) {
            Object value = data.get(field);
            if (value != null || data.containsKey(field)) {
                return value;
            }
        }
        return key.get(field);
    }

    /** Whether {@link #value} finds the field in {@code data} or {@code key}. */
    public boolean hasValue(String field) {
        return data != null && data.containsKey(field) || key.containsKey(field);
    }
}
