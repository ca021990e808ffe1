package io.tandem.orm;

import io.tandem.core.EntityDefinition;
import io.tandem.core.FieldType;
import io.tandem.core.JournalEntry;
import io.tandem.core.Op;
import io.tandem.core.TandemException;
import io.tandem.core.VersionDefinition;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Checks one journal entry against its version's definition before it is written: known app, version and entity;
 * every key field present and non-null; only declared fields; values of the declared types; {@code changed}
 * naming fields present in {@code data}. The message names the entry's position, app, version and entity.
 */
final class EntryCheck {
    private final Map<String, VersionDefinition> versions;
    private final String where;

    EntryCheck(Map<String, VersionDefinition> versions, int index, int count) {
        this.versions = versions;
        this.where = count > 1 ? "entry " + (index + 1) + " of " + count + ": " : "";
    }

    /** Returns the entity definition the entry was checked against. */
    EntityDefinition check(JournalEntry e) {
        VersionDefinition version = versions.get(e.app() + "/" + e.version());
        if (version == null) {
            throw fail(e, "this writer has no definition of version " + e.version() + " of app '" + e.app()
                    + "'; give the JournalWriter that version's definition");
        }
        EntityDefinition entity = version.entities().get(e.entity());
        if (entity == null) {
            throw fail(e, "no entity '" + e.entity() + "' in the definition (entities: "
                    + String.join(", ", version.entities().keySet()) + ")");
        }
        for (String field : entity.key()) {
            if (e.key().get(field) == null) {
                throw fail(e, "key field '" + field + "' is missing or null");
            }
        }
        checkFields(e, entity, e.key(), "key");
        if (e.op() == Op.DELETE) {
            if (e.data() != null) {
                throw fail(e, "a delete carries no data");
            }
            return entity;
        }
        if (e.data() == null) {
            throw fail(e, "an " + e.op().sql() + " needs data");
        }
        checkFields(e, entity, e.data(), "data");
        if (e.changed() != null) {
            for (String field : e.changed()) {
                if (!e.data().containsKey(field)) {
                    throw fail(e, "changed names '" + field + "', which is not in data");
                }
            }
        }
        return entity;
    }

    private void checkFields(JournalEntry e, EntityDefinition entity, Map<String, Object> values, String part) {
        values.forEach((field, value) -> {
            FieldType type = entity.fieldTypes().get(field);
            if (type == null) {
                throw fail(e, part + " has field '" + field + "', which the entity does not declare (fields: "
                        + String.join(", ", entity.fields().keySet()) + ")");
            }
            if (value != null && !fits(type.kind(), value)) {
                throw fail(e, "field '" + field + "' is declared " + type.sql() + " but the value is a "
                        + value.getClass().getSimpleName() + " (" + value + ")");
            }
        });
    }

    /** Whether a Java value can stand for the kind without loss. */
    private static boolean fits(FieldType.Kind kind, Object value) {
        if (kind.javaType().isInstance(value)) {
            return true;
        }
        return switch (kind) {
            case BIGINT -> value instanceof Integer || value instanceof Short;
            case INTEGER -> value instanceof Short;
            case NUMERIC -> value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof BigDecimal;
            case DOUBLE -> value instanceof Float;
            case TIMESTAMPTZ -> value instanceof Instant;
            default -> false;
        };
    }

    private TandemException fail(JournalEntry e, String problem) {
        return new TandemException("Journal entry rejected before writing (nothing was written): " + where
                + e.op().sql() + " of " + e.app() + " v" + e.version() + " entity '" + e.entity() + "' key " + e.key()
                + ": " + problem + ".");
    }
}
