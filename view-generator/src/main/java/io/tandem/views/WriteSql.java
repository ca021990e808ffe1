package io.tandem.views;

import io.tandem.core.EntityDefinition;
import io.tandem.core.SqlExpression;
import io.tandem.core.SqlIdentifier;
import io.tandem.core.WriteItem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A write item's statements as {@code PREPARE}-able SQL for {@link Lint}: each {@code :field} becomes
 * {@code CAST($n AS <type>)}, n being the field's position in the entity, whose types {@link #parameterTypes}
 * declares. Nothing here runs a statement.
 */
final class WriteSql {
    private final EntityDefinition entity;
    private final List<String> fields;

    WriteSql(EntityDefinition entity) {
        this.entity = entity;
        this.fields = List.copyOf(entity.fields().keySet());
    }

    /** {@code (bigint, text, ...)}: the type of every field, in field order. */
    String parameterTypes() {
        return entity.fields().values().stream().map(f -> f.type().sql())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    String expression(SqlExpression expression) {
        return expression.render(name -> "CAST($" + (fields.indexOf(name) + 1) + " AS "
                + entity.fields().get(name).type().sql() + ")");
    }

    /** INSERT of one column: does the expression compile, and can its value be assigned to the column? */
    String insertOne(WriteItem item, String column, SqlExpression expression) {
        return "INSERT INTO " + item.tableName().quoted() + " (" + SqlIdentifier.of(column).quoted() + ") VALUES ("
                + expression(expression) + ")";
    }

    String insert(WriteItem item) {
        Map<String, SqlExpression> all = new LinkedHashMap<>(item.key());
        all.putAll(item.set());
        String columns = all.keySet().stream().map(c -> SqlIdentifier.of(c).quoted()).collect(Collectors.joining(", "));
        String values = all.values().stream().map(this::expression).collect(Collectors.joining(", "));
        return "INSERT INTO " + item.tableName().quoted() + " (" + columns + ") VALUES (" + values + ")";
    }

    /** The full update (every set column), or null when the item sets nothing. */
    String update(WriteItem item) {
        if (item.set().isEmpty()) {
            return null;
        }
        List<String> assignments = new ArrayList<>();
        item.set().forEach((column, e) -> assignments.add(SqlIdentifier.of(column).quoted() + " = " + expression(e)));
        return "UPDATE " + item.tableName().quoted() + " SET " + String.join(", ", assignments) + where(item);
    }

    String delete(WriteItem item) {
        return "DELETE FROM " + item.tableName().quoted() + where(item);
    }

    private String where(WriteItem item) {
        List<String> conditions = new ArrayList<>();
        item.key().forEach((column, e) -> conditions.add(SqlIdentifier.of(column).quoted() + " = " + expression(e)));
        return " WHERE " + String.join(" AND ", conditions);
    }
}
