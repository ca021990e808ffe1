package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The optimistic-lock step of a versioned entity's view trigger (an entity with {@code version_field},
 * docs/views.md "Optimistic locking"): before an UPDATE or DELETE is journaled,
 * <ol>
 *   <li>take the key's lock ({@code tandem.lock_key}, the journal insert trigger's own lock), so a transaction that
 *       journaled this key and is still open is waited for;</li>
 *   <li>then, in one statement and so one snapshot (fresh under READ COMMITTED, taken after the lock was granted):
 *       if the view's version field of the key is no longer OLD's, or another transaction has a committed change
 *       of it that the applier has not applied yet ({@code tandem.unapplied_version_change}), the row the
 *       statement matched is stale and the trigger returns NULL: the statement counts 0 rows, as on a plain table
 *       after a concurrent update, and Hibernate throws its optimistic-lock exception.</li>
 * </ol>
 * Guarantees: an update or delete of a versioned entity is journaled only if no other transaction's committed
 * change of its version field is missing from the version value it matched. Entities without a version field
 * get no extra step.
 */
final class OptimisticLock {
    /** The lock function's signature, for grants. */
    static final String LOCK_KEY = TandemSchema.SCHEMA + ".lock_key(text, jsonb)";
    /** The check function's signature, for grants. */
    static final String UNAPPLIED_CHANGE = TandemSchema.SCHEMA + ".unapplied_version_change(text, text, jsonb, text)";

    private static final String STALE_ROW_CHECK = """
            -- optimistic lock on ${versionFieldName}: wait for the key's writers,
            -- then match no row if its version moved on
            PERFORM tandem.lock_key(${app}, ${oldKey});
            IF (SELECT cur.${versionField} FROM ${view} cur WHERE ${keyMatches}) IS DISTINCT FROM OLD.${versionField}
               OR tandem.unapplied_version_change(${app}, ${entity}, ${oldKey}, ${versionFieldLiteral}) THEN
                RETURN NULL;
            END IF;""";

    private OptimisticLock() {
    }

    /**
     * The plpgsql statements of the step for the trigger function of {@code view}, or {@code ""} when the entity
     * has no version field.
     *
     * @param oldKey the SQL of the row's key as journal jsonb, built from OLD (the journal row's key exactly)
     */
    static String staleRowCheck(String view, VersionDefinition v, EntityDefinition entity, String oldKey) {
        if (!entity.versioned()) {
            return "";
        }
        List<String> keyMatches = new ArrayList<>();
        for (String k : entity.key()) {
            FieldDefinition key = entity.fields().get(k);
            keyMatches.add(FieldComparison.comparable("cur", key) + " = " + FieldComparison.comparable("OLD", key));
        }
        return SqlTemplate.fill(STALE_ROW_CHECK, Map.of(
                "versionFieldName", entity.versionField(),
                "app", SqlLiteral.of(v.app()),
                "oldKey", oldKey,
                "versionField", SqlIdentifier.of(entity.versionField()).quoted(),
                "view", view,
                "keyMatches", String.join(" AND ", keyMatches),
                "entity", SqlLiteral.of(entity.name()),
                "versionFieldLiteral", SqlLiteral.of(entity.versionField())));
    }
}
