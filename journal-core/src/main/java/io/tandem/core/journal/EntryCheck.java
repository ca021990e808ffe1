package io.tandem.core.journal;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.VersionDefinition;

import java.time.Instant;
import java.util.Map;

/**
 * Whether a journal entry is one its version's definition can apply: the rules of docs/journal-format.md ("Rules
 * per op"), in one place.
 *
 * <p>Guarantees: an entry that passes names an entity of the version that has write items; every key field is
 * present and non-null; {@code key} and {@code data} hold only declared fields, each value of a Java type that
 * carries the declared type without loss; an insert or update has {@code data} and a delete has none; every field
 * that {@code changed} names is in {@code data}. A failure is a {@link TandemException} whose message names the op,
 * app, version, entity, key and the field at fault, and says what to fix.
 *
 * <p>Why one check for both ends of the journal: {@link JournalWriter} runs it before anything is sent, the applier
 * on every row it reads (after decoding it against the same definition). With one set of rules, an entry the
 * writer accepts is one the applier applies, and a row another client wrote is held to the same contract.
 *
 * <p>Which versions exist is the caller's question (the writer knows the definitions it was given, the applier the
 * live ones); this check starts from the version's definition.
 */
public final class EntryCheck {
    private EntryCheck() {
    }

    /**
     * The entity named {@code entity} in {@code version}: the first step of {@link #check}, for a caller that needs
     * the entity's field types before it has an entry (the applier decodes a row's JSON with them).
     *
     * @throws TandemException naming the version, the entity and the entities the version has
     */
    public static EntityDefinition entity(VersionDefinition version, String entity) {
        EntityDefinition definition = version.entities().get(entity);
        if (definition == null) {
            throw new TandemException("version " + version.version() + " of app '" + version.app()
                    + "' has no entity '" + entity + "' (entities: " + String.join(", ", version.entities().keySet())
                    + "); write an entity of the version's definition");
        }
        return definition;
    }

    /**
     * Checks {@code entry} against {@code version}, its app version's definition.
     *
     * @return the entity definition the entry was checked against
     * @throws TandemException naming the entry and what is wrong with it
     * @throws IllegalArgumentException if {@code version} is not the entry's app version
     */
    public static EntityDefinition check(VersionDefinition version, JournalEntry entry) {
        if (!version.app().equals(entry.app()) || version.version() != entry.version()) {
            throw new IllegalArgumentException("entry of " + entry.app() + " v" + entry.version()
                    + " checked against the definition of " + version.app() + " v" + version.version());
        }
        EntityDefinition entity;
        try {
            entity = entity(version, entry.entity());
        } catch (TandemException e) {
            throw new TandemException(describe(entry) + ": " + e.getMessage());
        }
        new Rules(entry, entity).check();
        return entity;
    }

    /** How a failure names the entry: {@code update of shop v1 entity 'customer' key {id=42}}. */
    private static String describe(JournalEntry e) {
        return e.op().sql() + " of " + e.app() + " v" + e.version() + " entity '" + e.entity() + "' key " + e.key();
    }

    /** The rules for one entry against its entity. */
    private record Rules(JournalEntry entry, EntityDefinition entity) {

        void check() {
            if (entity.readOnly()) {
                throw fail("the entity is read-only in this version (its definition has no writes); write through"
                        + " a writable entity");
            }
            for (String field : entity.key()) {
                if (entry.key().get(field) == null) {
                    throw fail("key field '" + field + "' is missing or null; the key holds every key field ("
                            + String.join(", ", entity.key()) + ")");
                }
            }
            checkFields(entry.key(), "key");
            checkData();
        }

        private void checkData() {
            if (entry.op() == Op.DELETE) {
                if (entry.data() != null) {
                    throw fail("a delete carries no data; leave data null");
                }
                return;
            }
            if (entry.data() == null) {
                throw fail("an " + entry.op().sql() + " needs data");
            }
            checkFields(entry.data(), "data");
            if (entry.changed() != null) {
                for (String field : entry.changed()) {
                    if (!entry.data().containsKey(field)) {
                        throw fail("changed names '" + field + "', which is not in data; put its new value in data");
                    }
                }
            }
        }

        private void checkFields(Map<String, Object> values, String part) {
            values.forEach((field, value) -> {
                FieldDefinition declared = entity.fields().get(field);
                if (declared == null) {
                    throw fail(part + " has field '" + field + "', which the entity does not declare (fields: "
                            + String.join(", ", entity.fields().keySet()) + ")");
                }
                FieldType type = declared.type();
                if (value != null && !fits(type.kind(), value)) {
                    throw fail("field '" + field + "' is declared " + type.sql() + " but the value is a "
                            + value.getClass().getSimpleName() + " (" + value + "); pass a "
                            + type.kind().javaType().getSimpleName());
                }
            });
        }

        private TandemException fail(String problem) {
            return new TandemException(describe(entry) + ": " + problem);
        }
    }

    /** Whether a Java value can stand for the kind without loss. */
    private static boolean fits(FieldType.Kind kind, Object value) {
        if (kind.javaType().isInstance(value)) {
            return true;
        }
        return switch (kind) {
            case BIGINT -> value instanceof Integer || value instanceof Short;
            case INTEGER -> value instanceof Short;
            case NUMERIC -> value instanceof Long || value instanceof Integer || value instanceof Short;
            case DOUBLE -> value instanceof Float;
            case TIMESTAMPTZ -> value instanceof Instant;
            default -> false;
        };
    }
}
