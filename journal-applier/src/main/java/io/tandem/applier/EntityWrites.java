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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The statements that land one entity's journal rows in the physical tables (BRIEF §4.2):
 * <ul>
 *   <li>insert: one INSERT per write item, in order, with the key columns and every set column whose expression
 *       has its fields in the entry (a column whose fields are all absent is left to its DEFAULT);</li>
 *   <li>update: per write item, an UPDATE of only the columns whose expression references a changed field — an
 *       older version never touches a column it does not map; an item with no such column is skipped;</li>
 *   <li>delete: one DELETE by key per item, last item first.</li>
 * </ul>
 * Each {@code :field} becomes {@code CAST(? AS <declared type>)} with the value bound; each statement also comes in
 * a many-rows form for a group of rows ({@link Placeholders}). Statements are compiled once per distinct column
 * set and cached.
 */
final class EntityWrites {
    private final EntityDefinition entity;
    private final Map<String, FieldType> types;
    /** Compiled statements by the set of fields present (insert) or changed (update). */
    private final Map<Set<String>, List<WriteStatement>> inserts = new ConcurrentHashMap<>();
    private final Map<Set<String>, List<WriteStatement>> updates = new ConcurrentHashMap<>();
    private final List<WriteStatement> deletes;

    EntityWrites(EntityDefinition entity) {
        this.entity = entity;
        this.types = entity.fieldTypes();
        this.deletes = deletes();
    }

    /** The statements for {@code entry}, in execution order. */
    List<WriteStatement> statementsFor(JournalEntry entry) {
        return switch (entry.op()) {
            case INSERT -> cached(inserts, presentFields(entry), this::inserts);
            case UPDATE -> cached(updates, Set.copyOf(entry.changedFields()), this::updates);
            case DELETE -> deletes;
        };
    }

    /** A lookup first: the hot path only hashes the field names; a miss compiles and keeps a copy of the set. */
    private static List<WriteStatement> cached(Map<Set<String>, List<WriteStatement>> cache, Set<String> fields,
                                               Function<Set<String>, List<WriteStatement>> compile) {
        List<WriteStatement> statements = cache.get(fields);
        return statements != null ? statements : cache.computeIfAbsent(Set.copyOf(fields), compile);
    }

    private static Set<String> presentFields(JournalEntry entry) {
        if (entry.data() != null && entry.data().keySet().containsAll(entry.key().keySet())) {
            return entry.data().keySet();
        }
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
            String into = "INSERT INTO " + table(item) + " ("
                    + String.join(", ", columns.keySet().stream().map(EntityWrites::quote).toList()) + ")";
            Placeholders one = Placeholders.oneRow(types);
            String values = String.join(", ", columns.values().stream().map(one::render).toList());
            Placeholders many = Placeholders.manyRows(types);
            String selected = String.join(", ", columns.values().stream().map(many::render).toList());
            out.add(statement(item, into + " VALUES (" + values + ")", one,
                    into + " SELECT " + selected + " FROM " + many.unnest(), many));
        }
        return List.copyOf(out);
    }

    private List<WriteStatement> updates(Set<String> changed) {
        List<WriteStatement> out = new ArrayList<>();
        for (WriteItem item : entity.writes()) {
            Map<String, SqlExpression> columns = new LinkedHashMap<>();
            item.set().forEach((column, expr) -> {
                if (expr.referencedFields().stream().anyMatch(changed::contains)) {
                    columns.put(column, expr);
                }
            });
            if (columns.isEmpty()) {
                continue;
            }
            String update = "UPDATE " + table(item) + " SET ";
            Placeholders one = Placeholders.oneRow(types);
            String sets = assignments(columns, one);
            String where = keyCondition(item, one);
            Placeholders many = Placeholders.manyRows(types);
            String manySets = assignments(columns, many);
            String manyWhere = keyCondition(item, many);
            out.add(statement(item, update + sets + " WHERE " + where, one,
                    update + manySets + " FROM " + many.unnest() + " WHERE " + manyWhere, many));
        }
        return List.copyOf(out);
    }

    private List<WriteStatement> deletes() {
        List<WriteStatement> out = new ArrayList<>();
        List<WriteItem> items = entity.writes();
        for (int i = items.size() - 1; i >= 0; i--) {
            WriteItem item = items.get(i);
            String delete = "DELETE FROM " + table(item);
            Placeholders one = Placeholders.oneRow(types);
            String where = keyCondition(item, one);
            Placeholders many = Placeholders.manyRows(types);
            String manyWhere = keyCondition(item, many);
            out.add(statement(item, delete + " WHERE " + where, one,
                    delete + " USING " + many.unnest() + " WHERE " + manyWhere, many));
        }
        return List.copyOf(out);
    }

    private WriteStatement statement(WriteItem item, String sql, Placeholders one, String manySql,
                                     Placeholders many) {
        TreeMap<String, String> keyFields = new TreeMap<>(); // key column -> the field it takes unchanged
        for (Map.Entry<String, SqlExpression> k : item.key().entrySet()) {
            SqlExpression expr = k.getValue();
            if (expr.params().size() == 1 && expr.render(field -> "?").strip().equals("?")) {
                keyFields.put(k.getKey(), expr.params().get(0));
            }
        }
        boolean plainKey = keyFields.size() == item.key().size();
        return new WriteStatement(table(item), plainKey ? List.copyOf(keyFields.keySet()) : null,
                plainKey ? List.copyOf(keyFields.values()) : List.of(), sql, one.params(), manySql, many.params());
    }

    private static String assignments(Map<String, SqlExpression> columns, Placeholders placeholders) {
        List<String> sets = new ArrayList<>();
        columns.forEach((column, expr) -> sets.add(quote(column) + " = " + placeholders.render(expr)));
        return String.join(", ", sets);
    }

    private static String keyCondition(WriteItem item, Placeholders placeholders) {
        List<String> conditions = new ArrayList<>();
        item.key().forEach((column, expr) -> conditions.add(quote(column) + " = " + placeholders.render(expr)));
        return String.join(" AND ", conditions);
    }

    private static String table(WriteItem item) {
        return item.tableName().quoted();
    }

    private static String quote(String column) {
        return "\"" + column + "\"";
    }
}
