package io.tandem.applier;

import io.tandem.core.FieldType;
import io.tandem.core.SqlExpression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a projection statement refers to a journal row's field values, in one of two forms:
 * <ul>
 *   <li>{@link #oneRow}: each {@code :field} becomes {@code CAST(? AS <declared type>)}, one bound value per
 *       occurrence ({@link #params()} in placeholder order);</li>
 *   <li>{@link #manyRows}: each distinct field becomes a column {@code u.tandem_<i>} of
 *       {@code unnest(...) AS u(...)} ({@link #unnest()}), whose arguments are one bound array per field
 *       ({@link #params()} in argument order), so one statement writes a whole group of rows.</li>
 * </ul>
 * The {@code tandem_<i>} column names cannot collide with a physical column an expression names unqualified.
 */
final class Placeholders {
    private final Map<String, FieldType> types;
    private final boolean many;
    private final List<String> params = new ArrayList<>();

    private Placeholders(Map<String, FieldType> types, boolean many) {
        this.types = types;
        this.many = many;
    }

    static Placeholders oneRow(Map<String, FieldType> types) {
        return new Placeholders(types, false);
    }

    static Placeholders manyRows(Map<String, FieldType> types) {
        return new Placeholders(types, true);
    }

    /** {@code expr} as SQL, its parameters replaced by this form's placeholders. */
    String render(SqlExpression expr) {
        if (!many) {
            params.addAll(expr.params());
            return expr.render(field -> "CAST(? AS " + types.get(field).sql() + ")");
        }
        return expr.render(field -> {
            int i = params.indexOf(field);
            if (i < 0) {
                params.add(field);
                i = params.size() - 1;
            }
            return "u.tandem_" + (i + 1);
        });
    }

    /**
     * The many-rows form's row source: {@code unnest(CAST(CAST(? AS text[]) AS <type>[]), ...) AS u(tandem_1, ...)}.
     * Arrays are bound as text and cast on the server, so every declared type takes the same binding path.
     */
    String unnest() {
        List<String> arrays = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            arrays.add("CAST(CAST(? AS text[]) AS " + types.get(params.get(i)).sql() + "[])");
            columns.add("tandem_" + (i + 1));
        }
        return "unnest(" + String.join(", ", arrays) + ") AS u(" + String.join(", ", columns) + ")";
    }

    /** The fields to bind, in order: one value each (one row) or one array each (many rows). */
    List<String> params() {
        return List.copyOf(params);
    }
}
