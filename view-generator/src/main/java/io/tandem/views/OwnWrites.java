package io.tandem.views;

import io.tandem.core.EntityDefinition;
import io.tandem.core.FieldDefinition;
import io.tandem.core.FieldType;
import io.tandem.core.SqlIdentifier;
import io.tandem.core.VersionDefinition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The write side and the own-writes overlay of a generated view (docs/views.md, "Writing through the views"):
 *
 * <ul>
 *   <li>{@link #view}: the view's SELECT, which shows the physical rows whose key the current transaction has
 *       not journaled, UNION ALL the current transaction's own state of every key it journaled (the physical row
 *       folded with its journal rows in seq order), computed by the generated plpgsql function
 *       {@link #ownFunction} so the view's plan holds a single copy of the physical SELECT. A transaction without a
 *       transaction id (it has written nothing) never runs the journal side: both arms test
 *       {@code pg_current_xact_id_if_assigned()} once, in an InitPlan.</li>
 *   <li>{@link #triggerFunction}: the {@code INSTEAD OF} row trigger function that turns an INSERT, UPDATE or
 *       DELETE on the view into one journal row, with key and data in the journal's JSON encoding
 *       (docs/journal-format.md), the changed fields of an update computed from OLD and NEW.</li>
 * </ul>
 * Values from the definition other than its own SQL are never spliced: names are quoted identifiers, app and
 * entity names are validated identifiers written as literals.
 */
final class OwnWrites {
    private static final String XID_ASSIGNED = "(SELECT pg_catalog.pg_current_xact_id_if_assigned())";
    /** jsonb_build_object takes at most 100 arguments: build objects of at most this many fields and concatenate. */
    private static final int FIELDS_PER_OBJECT = 40;

    private OwnWrites() {
    }

    /** The name of the entity's trigger function: {@code <entity>_write}, or a hashed name if that is too long. */
    static SqlIdentifier triggerFunctionName(EntityDefinition entity) {
        String name = entity.name() + "_write";
        if (SqlIdentifier.isValid(name)) {
            return SqlIdentifier.of(name);
        }
        return SqlIdentifier.of("write_" + hash(entity.name()));
    }

    /** The name of the entity's own-state function: {@code <entity>_own}, or a hashed name if that is too long. */
    static SqlIdentifier ownFunctionName(EntityDefinition entity) {
        String name = entity.name() + "_own";
        if (SqlIdentifier.isValid(name)) {
            return SqlIdentifier.of(name);
        }
        return SqlIdentifier.of("own_" + hash(entity.name()));
    }

    private static String hash(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The view body: physical rows not journaled by this transaction, UNION ALL this transaction's own state, which
     * {@code ownFunction} (see {@link #ownFunction}) computes. The function is plpgsql, so the planner never inlines
     * it: the view's plan holds one copy of the physical SELECT, and a transaction that wrote nothing never calls it.
     * The own state's columns are cast to {@code columnTypes}, the exact types of the physical SELECT's columns
     * ({@link ColumnTypes}), so this view returns the same row type as the plain view.
     */
    static String view(VersionDefinition v, EntityDefinition entity, String physicalSelect, String ownFunction,
                       List<String> columnTypes) {
        List<String> columns = new ArrayList<>();
        List<String> ownColumns = new ArrayList<>();
        int i = 0;
        for (FieldDefinition f : entity.fields().values()) {
            String q = SqlIdentifier.of(f.name()).quoted();
            columns.add("b." + q);
            String source = entity.key().contains(f.name()) ? "s.key" : "s.state";
            ownColumns.add(decode(f, source, columnTypes.get(i++)) + " AS " + q);
        }
        String keyOfB = object(entity.key(), entity, k -> "b." + SqlIdentifier.of(k).quoted());
        String indented = physicalSelect.replace("\n", "\n         ");
        return "SELECT " + String.join(", ", columns) + "\n"
                + "  FROM (" + indented + ") b\n"
                + " WHERE " + XID_ASSIGNED + " IS NULL\n"
                + "    OR NOT (" + keyOfB + " IN (SELECT w.key FROM " + ownJournal(v, entity) + " w))\n"
                + "UNION ALL\n"
                + "SELECT " + String.join(",\n       ", ownColumns) + "\n"
                + "  FROM " + ownFunction + "() s\n"
                + " WHERE " + XID_ASSIGNED + " IS NOT NULL";
    }

    private static String ownJournal(VersionDefinition v, EntityDefinition entity) {
        return "tandem.own_journal(" + ViewGenerator.literal(v.app()) + ", " + v.version() + ", "
                + ViewGenerator.literal(entity.name()) + ")";
    }

    /**
     * The function {@code function}() returning the current transaction's own state of every key of the entity it
     * journaled, as (key, state) in the journal's JSON encoding, a deleted key left out: the physical row as the
     * view reads it, folded with the transaction's journal rows in seq order ({@code tandem.own_fold}).
     *
     * <p>plpgsql, so it is never inlined into the view's plan. {@code SECURITY DEFINER}: functions called by a view
     * run with the caller's rights, and the app roles have no privilege on the physical tables, so it reads them
     * as its owner, exactly as the view does; it only returns keys the caller's own transaction journaled.
     * Created with {@code search_path = pg_catalog, pg_temp}; {@link #pinSearchPath} then sets the search_path the
     * views were generated with, so the physical SELECT's names resolve as the view's own copy did.
     */
    static String ownFunction(String function, VersionDefinition v, EntityDefinition entity, String physicalSelect) {
        List<String> baseMatch = new ArrayList<>();
        for (String k : entity.key()) {
            baseMatch.add("p." + SqlIdentifier.of(k).quoted() + " = " + decode(entity.fields().get(k), "w.key"));
        }
        String baseState = object(new ArrayList<>(entity.fields().keySet()), entity,
                f -> "p." + SqlIdentifier.of(f).quoted());
        return "CREATE FUNCTION " + function + "() RETURNS TABLE (key jsonb, state jsonb)\n"
                + "    LANGUAGE plpgsql STABLE SECURITY DEFINER\n"
                + "    SET search_path = pg_catalog, pg_temp AS\n$tandem$\n"
                + "#variable_conflict use_column\n"
                + "-- Generated by Tandem: " + v.app() + " version " + v.version() + ", entity " + entity.name()
                + ". The current transaction's own state of the keys it journaled (the view's second arm).\n"
                + "BEGIN\n"
                + "    RETURN QUERY\n"
                + "    SELECT s.key, s.state\n"
                + "      FROM (SELECT w.key, tandem.own_fold(\n"
                + "                      (SELECT " + baseState + "\n"
                + "                         FROM (" + physicalSelect.replace("\n", "\n                               ")
                + ") p\n"
                + "                        WHERE " + String.join(" AND ", baseMatch) + "),\n"
                + "                      w.ops, w.datas) AS state\n"
                + "              FROM " + ownJournal(v, entity) + " w) s\n"
                + "     WHERE s.state IS NOT NULL;\n"
                + "END\n$tandem$";
    }

    /**
     * Pins {@code function}'s search_path to the schemas of the current one (as the view's own copy of the physical
     * SELECT resolved its names at {@code CREATE VIEW}), then {@code pg_temp} last, so a caller's temporary table
     * cannot stand in for a physical table in this {@code SECURITY DEFINER} function.
     */
    static String pinSearchPath(String function) {
        return """
                DO $$
                BEGIN
                    EXECUTE pg_catalog.format('ALTER FUNCTION %%s() SET search_path = %%s', %s,
                        (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(s), ', ' ORDER BY o)
                           FROM pg_catalog.unnest(pg_catalog.array_append(pg_catalog.current_schemas(false), 'pg_temp'))
                                WITH ORDINALITY AS t(s, o)));
                END
                $$""".formatted(ViewGenerator.literal(function));
    }

    /**
     * The INSTEAD OF row trigger function journaling inserts, updates and deletes on {@code view}; for an entity with
     * a version field an update or delete first runs {@link OptimisticLock#staleRowCheck}.
     *
     * <p>It has no {@code SET search_path} clause: PostgreSQL would undo the search_path switch of
     * {@link #switchToOverlay} when the function returns. So it runs under the writer's search_path, with the
     * writer's rights, and every function, table and type in it is schema-qualified; operators are written so that
     * pg_catalog's exact operator is the one chosen ({@link #distinct}, {@code array_append}).
     */
    static String triggerFunction(String function, String view, VersionDefinition v, EntityDefinition entity,
                                  Map<String, KeySequences.Sequence> keySequences) {
        String insert = "INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed) VALUES ("
                + ViewGenerator.literal(v.app()) + ", " + v.version() + ", " + ViewGenerator.literal(entity.name())
                + ", ";
        StringBuilder b = new StringBuilder();
        b.append("CREATE FUNCTION ").append(function).append("() RETURNS trigger\n")
                // no SET clause: it would undo the search_path switch below when the function returns
                .append("    LANGUAGE plpgsql AS\n$tandem$\n")
                .append("-- Generated by Tandem: ").append(v.app()).append(" version ").append(v.version())
                .append(", entity ").append(entity.name()).append(". Journals the row; touches no physical table.\n")
                .append("DECLARE\n    d pg_catalog.jsonb := '{}';\n    ch pg_catalog.text[] := '{}';\nBEGIN\n")
                .append(switchToOverlay(v))
                .append("    IF TG_OP = 'INSERT' THEN\n");
        for (Map.Entry<String, KeySequences.Sequence> e : keySequences.entrySet()) {
            String q = SqlIdentifier.of(e.getKey()).quoted();
            b.append("        IF NEW.").append(q).append(" IS NULL THEN\n            NEW.").append(q)
                    .append(" := pg_catalog.nextval(").append(ViewGenerator.literal(e.getValue().quoted()))
                    .append("::pg_catalog.regclass);\n        END IF;\n");
        }
        for (String k : entity.key()) {
            b.append("        IF NEW.").append(SqlIdentifier.of(k).quoted()).append(" IS NULL THEN\n")
                    .append("            RAISE EXCEPTION ").append(ViewGenerator.literal("Tandem: " + v.viewSchema() + "."
                            + entity.name() + ": key field " + k + " is NULL; set it (it has no sequence to draw from)"))
                    .append(" USING ERRCODE = 'not_null_violation';\n        END IF;\n");
        }
        b.append("        ").append(insert).append("'insert', ")
                .append(object(entity.key(), entity, k -> "NEW." + SqlIdentifier.of(k).quoted())).append(",\n            ")
                .append(object(new ArrayList<>(entity.fields().keySet()), entity,
                        f -> "NEW." + SqlIdentifier.of(f).quoted()))
                .append(", NULL);\n        RETURN NEW;\n")
                .append("    ELSIF TG_OP = 'UPDATE' THEN\n");
        for (String k : entity.key()) {
            b.append("        IF ").append(distinct(entity.fields().get(k))).append(" THEN\n")
                    .append("            RAISE EXCEPTION ").append(ViewGenerator.literal("Tandem: " + v.viewSchema() + "."
                            + entity.name() + ": key field " + k + " cannot change; delete the row and insert a new one"))
                    .append(" USING ERRCODE = 'feature_not_supported';\n        END IF;\n");
        }
        String oldKey = object(entity.key(), entity, k -> "OLD." + SqlIdentifier.of(k).quoted());
        String staleRowCheck = OptimisticLock.staleRowCheck(view, v, entity, oldKey);
        b.append(staleRowCheck);
        for (FieldDefinition f : entity.fields().values()) {
            if (entity.key().contains(f.name())) {
                continue;
            }
            String q = SqlIdentifier.of(f.name()).quoted();
            b.append("        IF ").append(distinct(f)).append(" THEN\n")
                    .append("            d := d || pg_catalog.jsonb_build_object(").append(ViewGenerator.literal(f.name()))
                    .append(", ").append(encode(f.type(), "NEW." + q)).append(");\n")
                    .append("            ch := pg_catalog.array_append(ch, ").append(ViewGenerator.literal(f.name()))
                    .append("::pg_catalog.text);\n")
                    .append("        END IF;\n");
        }
        b.append("        IF pg_catalog.cardinality(ch) = 0 THEN\n            RETURN NEW;\n        END IF;\n")
                .append("        ").append(insert).append("'update', ").append(oldKey).append(", d, ch);\n")
                .append("        RETURN NEW;\n    ELSE\n").append(staleRowCheck)
                .append("        ").append(insert).append("'delete', ").append(oldKey).append(", NULL, NULL);\n")
                .append("        RETURN OLD;\n    END IF;\nEND\n$tandem$");
        return b.toString();
    }

    /**
     * The trigger's first step: if the plain view schema is on the search_path, replace it with the view schema
     * for the rest of the transaction ({@code set_config(..., true)}), so this transaction's later unqualified
     * reads see its own writes. A transaction that never writes never leaves the plain views.
     */
    private static String switchToOverlay(VersionDefinition v) {
        String plain = ViewGenerator.literal(v.plainViewSchema());
        return "    IF " + plain + " = ANY (pg_catalog.current_schemas(false)) THEN\n"
                + "        PERFORM pg_catalog.set_config('search_path', (\n"
                + "            SELECT pg_catalog.string_agg(pg_catalog.quote_ident(CASE WHEN t.s = " + plain
                + " THEN " + ViewGenerator.literal(v.viewSchema()) + " ELSE t.s END), ', ' ORDER BY t.o)\n"
                + "              FROM pg_catalog.unnest(pg_catalog.current_schemas(false)) WITH ORDINALITY AS t(s, o)),"
                + " true);\n"
                + "    END IF;\n";
    }

    /**
     * {@code NEW.f IS DISTINCT FROM OLD.f}, safe under the writer's search_path (the trigger function has no pinned
     * one, see {@link #triggerFunction}): PostgreSQL searches pg_catalog first, and every field type has an exact
     * {@code =} there — except varchar, compared through a cast to text, or an operator {@code =(varchar, varchar)}
     * on the writer's path would win over {@code texteq}.
     */
    static String distinct(FieldDefinition field) {
        return comparable("NEW", field) + " IS DISTINCT FROM " + comparable("OLD", field);
    }

    /** {@code row.field} as {@link #distinct} compares it: varchar (text kind) through {@code pg_catalog.text}. */
    static String comparable(String row, FieldDefinition field) {
        String value = row + "." + SqlIdentifier.of(field.name()).quoted();
        return field.type().kind() == FieldType.Kind.TEXT ? value + "::pg_catalog.text" : value;
    }

    /** A jsonb object of {@code fields}, each value {@code value.apply(field)} in the journal's encoding. */
    static String object(List<String> fields, EntityDefinition entity, Function<String, String> value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fields.size(); i += FIELDS_PER_OBJECT) {
            List<String> pairs = new ArrayList<>();
            for (String f : fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_OBJECT))) {
                pairs.add(ViewGenerator.literal(f) + ", " + encode(entity.fields().get(f).type(), value.apply(f)));
            }
            parts.add("pg_catalog.jsonb_build_object(" + String.join(", ", pairs) + ")");
        }
        return parts.size() == 1 ? parts.get(0) : "(" + String.join(" || ", parts) + ")";
    }

    /** A value as journal JSON: to_jsonb, except bytea as unwrapped base64 (JournalCodec's encoding). */
    static String encode(FieldType type, String expression) {
        if (type.kind() == FieldType.Kind.BYTEA) {
            return "pg_catalog.to_jsonb(pg_catalog.translate(pg_catalog.encode(" + expression
                    + ", 'base64'), E'\\n', ''))";
        }
        return "pg_catalog.to_jsonb(" + expression + ")";
    }

    /** A field of a journal JSON object back as its declared type. */
    static String decode(FieldDefinition field, String json) {
        return decode(field, json, field.type().sql());
    }

    /** A field of a journal JSON object back as {@code type} (the declared type, or an exact column type). */
    private static String decode(FieldDefinition field, String json, String type) {
        String text = json + " ->> " + ViewGenerator.literal(field.name());
        if (field.type().kind() == FieldType.Kind.BYTEA) {
            return "pg_catalog.decode(" + text + ", 'base64')";
        }
        return "CAST(" + text + " AS " + type + ")";
    }
}
