package io.tandem.core.definitions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one statement rendered by {@link WriteItemSql} refers to the fields of a journal row, in one of its forms
 * ({@link WriteItemSql.Form}). Stateful: one instance per statement, since the many-rows form numbers the distinct
 * fields in the order the statement first uses them and the one-row form lists every occurrence.
 *
 * <p>Why the many-rows form names its columns {@code u.tandem_<i>}: a field's own name could be a physical column
 * that an expression names unqualified; {@code tandem_<i>}, qualified by {@code u}, cannot collide with one.
 */
final class Placeholders {
    private final WriteItemSql.Form form;
    private final Map<String, FieldType> types;
    private final Map<String, Integer> positions;
    private final List<String> params = new ArrayList<>();

    Placeholders(WriteItemSql.Form form, Map<String, FieldType> types, Map<String, Integer> positions) {
        this.form = form;
        this.types = types;
        this.positions = positions;
    }

    /** {@code expr} as SQL, each {@code :field} replaced by this form's placeholder. */
    String render(SqlExpression expr) {
        return expr.render(this::placeholder);
    }

    private String placeholder(String field) {
        return switch (form) {
            case ONE_ROW -> {
                params.add(field);
                yield "CAST(? AS " + type(field) + ")";
            }
            case NUMBERED -> "CAST($" + positions.get(field) + " AS " + type(field) + ")";
            case MANY_ROWS -> {
                int i = params.indexOf(field);
                if (i < 0) {
                    params.add(field);
                    i = params.size() - 1;
                }
                yield "u.tandem_" + (i + 1);
            }
        };
    }

    /**
     * The many-rows form's row source, {@code unnest(CAST(CAST(? AS text[]) AS <type>[]), ...) AS u(tandem_1, ...)},
     * or null for the one-row forms. Arrays are bound as text and cast on the server, so every declared type takes
     * the same binding path. Call it after rendering every expression of the statement.
     */
    String rowSource() {
        if (form != WriteItemSql.Form.MANY_ROWS) {
            return null;
        }
        List<String> arrays = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            arrays.add("CAST(CAST(? AS text[]) AS " + type(params.get(i)) + "[])");
            columns.add("tandem_" + (i + 1));
        }
        return "unnest(" + String.join(", ", arrays) + ") AS u(" + String.join(", ", columns) + ")";
    }

    /** The fields to bind, in order: one value per placeholder (one row), one array per field (many rows). */
    List<String> params() {
        return form == WriteItemSql.Form.NUMBERED ? List.copyOf(positions.keySet()) : List.copyOf(params);
    }

    private String type(String field) {
        return types.get(field).sql();
    }

    /** 1-based positions of the entity's fields, in definition order: the {@code $n} of the numbered form. */
    static Map<String, Integer> positions(EntityDefinition entity) {
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (String field : entity.fields().keySet()) {
            positions.put(field, positions.size() + 1);
        }
        return positions;
    }
}
