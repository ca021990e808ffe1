package io.tandem.core.definitions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one place a {@link WriteItem} becomes SQL: its INSERT, UPDATE and DELETE, with each {@code :field} of its
 * expressions as a placeholder of one {@link Form}:
 * <ul>
 *   <li>{@link Form#ONE_ROW}: {@code CAST(? AS <declared type>)}, one bound value per occurrence — the applier's
 *       JDBC statements;</li>
 *   <li>{@link Form#MANY_ROWS}: {@code u.tandem_<i>}, a column of {@code unnest(...) AS u(...)} fed by one bound
 *       {@code text[]} per distinct field and cast on the server — the applier's set-based statements, which write a
 *       whole group of rows of distinct keys in one execution ({@code INSERT ... SELECT ... FROM unnest},
 *       {@code UPDATE ... FROM unnest}, {@code DELETE ... USING unnest});</li>
 *   <li>{@link Form#NUMBERED}: {@code CAST($n AS <declared type>)}, n the field's position in the entity — for
 *       {@code PREPARE name(<types>) AS ...}, as lint compiles a definition's writes against the schema.</li>
 * </ul>
 * Guarantees: the three forms of a statement differ only in their placeholders and row source, so what lint
 * compiled is what the applier runs; values are only ever bound, never spliced; table and column names are
 * {@link QualifiedName}/{@link SqlIdentifier}-quoted; everything else of an expression is kept verbatim
 * ({@link SqlExpression#render}). Stateless and thread-safe; rendering is meant for compile time (callers cache
 * the statements), not for every row.
 */
public final class WriteItemSql {
    /** A placeholder form; see the class comment. */
    public enum Form { ONE_ROW, MANY_ROWS, NUMBERED }

    /**
     * One rendered statement.
     *
     * @param sql    the statement
     * @param params the fields to bind, in order: one value per {@code ?} ({@link Form#ONE_ROW}), one array per
     *               field ({@link Form#MANY_ROWS}), or every field of the entity in {@code $n} order
     *               ({@link Form#NUMBERED})
     */
    public record Statement(String sql, List<String> params) {
    }

    private final Form form;
    private final Map<String, FieldType> types;
    private final Map<String, Integer> positions;

    private WriteItemSql(Form form, EntityDefinition entity) {
        this.form = Objects.requireNonNull(form, "form");
        this.types = entity.fieldTypes();
        this.positions = Placeholders.positions(entity);
    }

    /** Statements of {@code entity}'s write items in placeholder form {@code form}. */
    public static WriteItemSql of(Form form, EntityDefinition entity) {
        return new WriteItemSql(form, entity);
    }

    /**
     * {@code INSERT INTO <table> (<columns>) VALUES (...)}, or {@code ... SELECT ... FROM unnest(...)} for many rows.
     *
     * @param columns column → expression, in order: the item's key columns and the set columns to write
     */
    public Statement insert(WriteItem item, Map<String, SqlExpression> columns) {
        Placeholders p = placeholders();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        columns.forEach((column, expr) -> {
            names.add(SqlIdentifier.of(column).quoted());
            values.add(p.render(expr));
        });
        String into = "INSERT INTO " + item.tableName().quoted() + " (" + String.join(", ", names) + ")";
        String source = p.rowSource();
        String rows = source == null ? " VALUES (" + String.join(", ", values) + ")"
                : " SELECT " + String.join(", ", values) + " FROM " + source;
        return new Statement(into + rows, p.params());
    }

    /**
     * {@code UPDATE <table> SET <set> WHERE <key>} ({@code ... FROM unnest(...) WHERE ...} for many rows).
     *
     * @param set column → expression of the columns to set, in order (not empty)
     */
    public Statement update(WriteItem item, Map<String, SqlExpression> set) {
        Placeholders p = placeholders();
        String assignments = columnsEqual(set, p, ", ");
        String where = columnsEqual(item.key(), p, " AND ");
        String source = p.rowSource();
        return new Statement("UPDATE " + item.tableName().quoted() + " SET " + assignments
                + (source == null ? "" : " FROM " + source) + " WHERE " + where, p.params());
    }

    /** {@code DELETE FROM <table> WHERE <key>} ({@code ... USING unnest(...) WHERE ...} for many rows). */
    public Statement delete(WriteItem item) {
        Placeholders p = placeholders();
        String where = columnsEqual(item.key(), p, " AND ");
        String source = p.rowSource();
        return new Statement("DELETE FROM " + item.tableName().quoted()
                + (source == null ? "" : " USING " + source) + " WHERE " + where, p.params());
    }

    private Placeholders placeholders() {
        return new Placeholders(form, types, positions);
    }

    /** {@code "column" = <expression>, ...} joined by {@code separator}. */
    private static String columnsEqual(Map<String, SqlExpression> columns, Placeholders p, String separator) {
        List<String> parts = new ArrayList<>();
        columns.forEach((column, expr) -> parts.add(SqlIdentifier.of(column).quoted() + " = " + p.render(expr)));
        return String.join(separator, parts);
    }
}
