package io.tandem.applier;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.SqlExpression;
import io.tandem.core.definitions.WriteItem;
import io.tandem.core.definitions.WriteItemSql;
import io.tandem.core.journal.JournalEntry;

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
 * The statements that land one entity's journal rows in the physical tables, following its write items:
 * <ul>
 *   <li>insert: one INSERT per write item, in order, with the key columns and every set column whose expression
 *       has its fields in the entry (a column whose fields are all absent is left to its DEFAULT);</li>
 *   <li>update: per write item, an UPDATE of only the columns whose expression references a changed field — an
 *       older version never touches a column it does not map; an item with no such column is skipped;</li>
 *   <li>delete: one DELETE by key per item, last item first.</li>
 * </ul>
 * Each statement comes in two forms rendered by {@link WriteItemSql}: one row ({@code CAST(? AS <declared type>)}
 * with the values bound) and many rows (one bound array per field, for a group of rows). Statements are compiled
 * once per distinct column set and cached.
 */
final class EntityWrites {
    private final EntityDefinition entity;
    private final WriteItemSql one;
    private final WriteItemSql many;
    /** Compiled statements by the set of fields present (insert) or changed (update). */
    private final Map<Set<String>, List<WriteStatement>> inserts = new ConcurrentHashMap<>();
    private final Map<Set<String>, List<WriteStatement>> updates = new ConcurrentHashMap<>();
    private final List<WriteStatement> deletes;

    EntityWrites(EntityDefinition entity) {
        this.entity = entity;
        this.one = WriteItemSql.of(WriteItemSql.Form.ONE_ROW, entity);
        this.many = WriteItemSql.of(WriteItemSql.Form.MANY_ROWS, entity);
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
            out.add(statement(item, one.insert(item, columns), many.insert(item, columns), false));
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
            if (!columns.isEmpty()) {
                out.add(statement(item, one.update(item, columns), many.update(item, columns), true));
            }
        }
        return List.copyOf(out);
    }

    private List<WriteStatement> deletes() {
        List<WriteStatement> out = new ArrayList<>();
        List<WriteItem> items = entity.writes();
        for (int i = items.size() - 1; i >= 0; i--) {
            WriteItem item = items.get(i);
            out.add(statement(item, one.delete(item), many.delete(item), true));
        }
        return List.copyOf(out);
    }

    private static WriteStatement statement(WriteItem item, WriteItemSql.Statement one, WriteItemSql.Statement many,
                                            boolean existingRow) {
        TreeMap<String, String> keyFields = new TreeMap<>(); // key column -> the field it takes unchanged
        item.key().forEach((column, expr) -> expr.loneField().ifPresent(field -> keyFields.put(column, field)));
        boolean plainKey = keyFields.size() == item.key().size();
        return new WriteStatement(item.tableName().quoted(), plainKey ? List.copyOf(keyFields.keySet()) : null,
                plainKey ? List.copyOf(keyFields.values()) : List.of(), one.sql(), one.params(), many.sql(),
                many.params(), existingRow);
    }
}
