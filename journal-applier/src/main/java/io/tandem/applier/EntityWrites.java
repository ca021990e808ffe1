package io.tandem.applier;

import io.tandem.core.EntityDefinition;
import io.tandem.core.FieldType;
import io.tandem.core.JournalEntry;
import io.tandem.core.SqlExpression;
import io.tandem.core.WriteItem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements that land one entity's journal rows in the physical tables (BRIEF §4.2):
 * <ul>
 *   <li>insert: one INSERT per write item, in order, with the key columns and every set column whose expression
 *       has its fields in the entry (a column whose fields are all absent is left to its DEFAULT);</li>
 *   <li>update: per write item, an UPDATE of only the columns whose expression references a changed field — an
 *       older version never touches a column it does not map; an item with no such column is skipped;</li>
 *   <li>delete: one DELETE by key per item, last item first.</li>
 * </ul>
 * Each {@code :field} becomes {@code CAST(? AS <declared type>)} with the value bound. Statements are compiled
 * once per distinct column set and cached.
 */
final class EntityWrites {
    private final EntityDefinition entity;
    private final Map<String, FieldType> types;
    private final Map<String, List<WriteStatement>> cache = new ConcurrentHashMap<>();

    EntityWrites(EntityDefinition entity) {
        this.entity = entity;
        this.types = entity.fieldTypes();
    }

    /** The statements for {@code entry}, in execution order. */
    List<WriteStatement> statementsFor(JournalEntry entry) {
        return switch (entry.op()) {
            case INSERT -> cached("i", presentFields(entry), this::inserts);
            case UPDATE -> cached("u", new HashSet<>(entry.changedFields()), this::updates);
            case DELETE -> cached("d", Set.of(), fields -> deletes());
        };
    }

    private interface Compiler {
        List<WriteStatement> compile(Set<String> fields);
    }

    private List<WriteStatement> cached(String op, Set<String> fields, Compiler compiler) {
        List<String> sorted = new ArrayList<>(fields);
        sorted.sort(null);
        return cache.computeIfAbsent(op + sorted, k -> compiler.compile(fields));
    }

    private Set<String> presentFields(JournalEntry entry) {
        Set<String> present = new HashSet<>(entry.key().keySet());
        if (entry.data() != null) {
            present.addAll(entry.data().keySet());
        }
        return present;
    }

    private List<WriteStatement> inserts(Set<String> present) {
        List<WriteStatement> out = new ArrayList<>();
        for (WriteItem item : entity.writes()) {
            Map<String, SqlExpression> columns = new LinkedHashMap<>(item.key());
            item.set().forEach((column, expr) -> {
                if (expr.referencedFields().isEmpty() || present.containsAll(expr.referencedFields())) {
                    columns.put(column, expr);
                }
            });
            List<String> params = new ArrayList<>();
            StringBuilder names = new StringBuilder();
            StringBuilder values = new StringBuilder();
            columns.forEach((column, expr) -> {
                names.append(names.length() == 0 ? "" : ", ").append(quote(column));
                values.append(values.length() == 0 ? "" : ", ").append(render(expr, params));
            });
            out.add(statement(item, "INSERT INTO " + table(item) + " (" + names + ") VALUES (" + values + ")",
                    params));
        }
        return List.copyOf(out);
    }

    private List<WriteStatement> updates(Set<String> changed) {
        List<WriteStatement> out = new ArrayList<>();
        for (WriteItem item : entity.writes()) {
            List<String> params = new ArrayList<>();
            StringBuilder sets = new StringBuilder();
            item.set().forEach((column, expr) -> {
                if (expr.referencedFields().stream().anyMatch(changed::contains)) {
                    sets.append(sets.length() == 0 ? "" : ", ").append(quote(column)).append(" = ")
                            .append(render(expr, params));
                }
            });
            if (sets.length() > 0) {
                String where = keyCondition(item, params);
                out.add(statement(item, "UPDATE " + table(item) + " SET " + sets + " WHERE " + where, params));
            }
        }
        return List.copyOf(out);
    }

    private List<WriteStatement> deletes() {
        List<WriteStatement> out = new ArrayList<>();
        List<WriteItem> items = entity.writes();
        for (int i = items.size() - 1; i >= 0; i--) {
            List<String> params = new ArrayList<>();
            String where = keyCondition(items.get(i), params);
            out.add(statement(items.get(i), "DELETE FROM " + table(items.get(i)) + " WHERE " + where, params));
        }
        return List.copyOf(out);
    }

    private WriteStatement statement(WriteItem item, String sql, List<String> params) {
        List<String> keyParams = new ArrayList<>();
        String keyShape = keyCondition(item, keyParams);
        return new WriteStatement(table(item), keyShape, List.copyOf(keyParams), sql, List.copyOf(params));
    }

    private String keyCondition(WriteItem item, List<String> params) {
        StringBuilder where = new StringBuilder();
        item.key().forEach((column, expr) -> where.append(where.length() == 0 ? "" : " AND ")
                .append(quote(column)).append(" = ").append(render(expr, params)));
        return where.toString();
    }

    private String render(SqlExpression expr, List<String> params) {
        params.addAll(expr.params());
        return expr.render(field -> "CAST(? AS " + types.get(field).sql() + ")");
    }

    private static String table(WriteItem item) {
        return item.tableName().quoted();
    }

    private static String quote(String column) {
        return "\"" + column + "\"";
    }
}
