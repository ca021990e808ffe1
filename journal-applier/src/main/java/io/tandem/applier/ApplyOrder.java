package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reorders a slice's statements into groups of rows that compile to the same statement — written by one
 * set-based statement or one JDBC batch — while every row still runs after each earlier row it could depend on.
 *
 * <p>Why: a slice of mixed inserts and updates in journal order alternates statements, and a batch only holds one
 * statement, so it cost a round trip per row. Here each journal row gets a <em>level</em>: one more than the
 * highest level of an earlier row that touches the same physical row (same table, key columns and key values,
 * whichever entity or version wrote it), any row of a table tied to one of its tables by foreign keys
 * ({@link TableLinks}), or any row of the same table when that table keeps journal order (it has triggers, or a
 * statement of the slice keys it by an expression). Rows of one level never depend on each other and never share a
 * physical row, so they run grouped by statement; a row's own statements keep their order; levels run in order.
 * What this cannot see — a unique constraint on a non-key column — can still make the regrouped order fail where
 * journal order would not: the applier then applies the slice again in journal order ({@code SliceApplier}).
 */
final class ApplyOrder {
    /** One statement of one journal row. */
    record Step(WriteStatement statement, JournalEntry entry) {
    }

    /** Rows of one level that compile to the same statement, in journal order; their physical rows are distinct. */
    record Group(WriteStatement statement, List<JournalEntry> entries) {
    }

    private final TableLinks links;

    ApplyOrder(TableLinks links) {
        this.links = links;
    }

    /** {@code rows} (each a journal row's statements, in journal order) regrouped, in the order to run them. */
    List<Group> arrange(List<List<Step>> rows) {
        Map<Object, Integer> levelOfRow = new HashMap<>();
        Map<String, Integer> levelOfTable = new HashMap<>();
        // level -> position within the row -> statement text -> group, in first-appearance order
        TreeMap<Integer, TreeMap<Integer, Map<String, Group>>> groups = new TreeMap<>();
        Set<String> inJournalOrder = tablesInJournalOrder(rows);
        for (List<Step> row : rows) {
            Object[] identities = new Object[row.size()];
            int level = 0;
            for (int k = 0; k < row.size(); k++) {
                Step step = row.get(k);
                identities[k] = rowIdentity(step);
                level = Math.max(level, levelOfRow.getOrDefault(identities[k], -1) + 1);
                if (inJournalOrder.contains(step.statement().table())) {
                    level = Math.max(level, levelOfTable.getOrDefault(step.statement().table(), -1) + 1);
                }
                for (String tied : links.of(step.statement().table())) {
                    level = Math.max(level, levelOfTable.getOrDefault(tied, -1) + 1);
                }
            }
            for (int k = 0; k < row.size(); k++) {
                Step step = row.get(k);
                levelOfRow.put(identities[k], level);
                levelOfTable.merge(step.statement().table(), level, Math::max);
                groups.computeIfAbsent(level, l -> new TreeMap<>()).computeIfAbsent(k, i -> new LinkedHashMap<>())
                        .computeIfAbsent(step.statement().sql(), sql -> new Group(step.statement(), new ArrayList<>()))
                        .entries().add(step.entry());
            }
        }
        List<Group> out = new ArrayList<>();
        groups.values().forEach(byPosition -> byPosition.values().forEach(bySql -> out.addAll(bySql.values())));
        return out;
    }

    /**
     * Tables whose rows keep journal order among themselves: those with triggers ({@link TableLinks#ordered}), whose
     * side effects may depend on order, and those some statement of the slice keys by an expression, whose physical
     * row cannot be told from the values.
     */
    private Set<String> tablesInJournalOrder(List<List<Step>> rows) {
        Set<String> tables = new HashSet<>();
        for (List<Step> row : rows) {
            for (Step step : row) {
                String table = step.statement().table();
                if (step.statement().keyColumns() == null || links.ordered(table)) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    /** The identity of a physical row keyed by one column (the common case), without a list per row. */
    private record OneKeyRow(String table, List<String> keyColumns, Object value) {
    }

    /**
     * The physical row a step writes: table, key columns, key values (compared loosely); or, when a key column takes
     * an expression, the table alone, so every row of that table keeps journal order.
     */
    private static Object rowIdentity(Step step) {
        WriteStatement s = step.statement();
        if (s.keyColumns() == null) {
            return s.table();
        }
        if (s.keyParams().size() == 1) {
            return new OneKeyRow(s.table(), s.keyColumns(), loosely(step.entry().value(s.keyParams().get(0))));
        }
        List<Object> id = new ArrayList<>(s.keyParams().size() + 2);
        id.add(s.table());
        id.add(s.keyColumns());
        for (String param : s.keyParams()) {
            id.add(loosely(step.entry().value(param)));
        }
        return id;
    }

    /**
     * A key value in a form where two spellings of one database value compare equal (1.0 and 1.00, an int and a
     * long, one instant at two offsets, times that round to the same microsecond, -0.0 and 0.0, 'A' and 'a' for a
     * case-insensitive key): treating two rows as the same when they are not only costs batching, the other way round
     * would break per-key order.
     */
    static Object loosely(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return ((Number) value).longValue(); // boxed as Long: 5 as int, bigint or numeric 5.00 is one key
        }
        if (value instanceof BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            return stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18 ? (Object) stripped.longValueExact()
                    : stripped.toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof OffsetDateTime t) {
            return Micros.round(t).toInstant();
        }
        if (value instanceof LocalDateTime t) {
            return Micros.round(t);
        }
        if (value instanceof Double d) {
            return d == 0 ? 0.0 : d; // -0.0 = 0.0 in the database
        }
        if (value instanceof Float f) {
            return f == 0 ? 0.0f : f;
        }
        if (value instanceof String text) {
            return text.toLowerCase(Locale.ROOT);
        }
        return value;
    }
}
