package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.FieldType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * SQL that converts between field values and the journal's JSON encoding (docs/journal-format.md), for the
 * generated triggers, views and functions: exactly what {@code JournalCodec} writes and reads — {@code to_jsonb},
 * except {@code bytea} as base64 without line breaks.
 *
 * <p>Every function it names is qualified with {@code pg_catalog}, so the SQL means the same under any
 * search_path (the write trigger runs under the writer's).
 */
final class JournalJson {
    /** jsonb_build_object takes at most 100 arguments: build objects of at most this many fields and concatenate. */
    private static final int FIELDS_PER_OBJECT = 40;

    private JournalJson() {
    }

    /** A jsonb object of {@code fields}, each value {@code value.apply(field)} in the journal's encoding. */
    static String object(List<String> fields, EntityDefinition entity, Function<String, String> value) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < fields.size(); i += FIELDS_PER_OBJECT) {
            List<String> pairs = new ArrayList<>();
            for (String f : fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_OBJECT))) {
                pairs.add(SqlLiteral.of(f) + ", " + encode(entity.fields().get(f).type(), value.apply(f)));
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

    /** A field of the journal JSON object {@code json} back as its declared type. */
    static String decode(FieldDefinition field, String json) {
        return decode(field, json, field.type().sql());
    }

    /** A field of the journal JSON object {@code json} back as {@code type} (the declared or an exact column type). */
    static String decode(FieldDefinition field, String json, String type) {
        String text = json + " ->> " + SqlLiteral.of(field.name());
        if (field.type().kind() == FieldType.Kind.BYTEA) {
            return "pg_catalog.decode(" + text + ", 'base64')";
        }
        return "CAST(" + text + " AS " + type + ")";
    }
}
