package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.SqlExpression;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.definitions.WriteItem;
import io.tandem.core.definitions.WriteItemSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks version definitions against the physical schema a connection sees ({@code tandem views check}), without
 * changing anything.
 *
 * <p>For every version and entity it checks that: the {@code from} clause compiles; every {@code read} compiles
 * and has the field's declared type (base type; a typmod such as {@code numeric(12,2)} is ignored); every write
 * item names an existing table and existing columns; every write expression compiles with its parameters cast to
 * their declared types, and the item's insert, full update and delete compile; the insert fills every NOT NULL
 * column that has no default (and is not identity or generated); the item's key columns are exactly the columns
 * of a unique index (primary key or UNIQUE, not partial) of the table.
 *
 * <p>Guarantees: it leaves the database as it found it. Everything that can fail or creates a temporary object
 * runs in a savepoint that is rolled back, so it may run inside the caller's open transaction (which stays
 * usable); on an autocommit connection it runs in a transaction it rolls back, then restores autocommit.
 * Prepared statements it creates are deallocated. Problems come in definition order, each with what to do.
 * Stateless and thread-safe (a connection is not, of course).
 */
public final class Lint {
    private static final String PREPARED = "tandem_lint_probe";
    private static final String TEMP_VIEW = "pg_temp.tandem_lint_read";

    /**
     * The problems of {@code versions} against the schema visible on {@code c}; empty if none.
     *
     * @throws SQLException if the connection fails (a problem of a definition is a {@link LintProblem}, not an
     *                      exception)
     */
    public List<LintProblem> check(Connection c, List<VersionDefinition> versions) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (autoCommit) {
            c.setAutoCommit(false);
        }
        Savepoint outer = c.setSavepoint();
        try {
            List<LintProblem> problems = new ArrayList<>();
            for (VersionDefinition v : versions) {
                for (EntityDefinition entity : v.entities().values()) {
                    new EntityCheck(c, v, entity, problems).run();
                }
            }
            return List.copyOf(problems);
        } finally {
            c.rollback(outer);
            c.releaseSavepoint(outer);
            if (autoCommit) {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** The checks of one entity, adding what they find to a shared list. */
    private static final class EntityCheck {
        private final VersionDefinition v;
        private final EntityDefinition entity;
        private final List<LintProblem> problems;
        private final Probe probe;
        private final Catalog catalog;
        private final WriteItemSql numbered;
        private final String parameterTypes;

        EntityCheck(Connection c, VersionDefinition v, EntityDefinition entity, List<LintProblem> problems) {
            this.v = v;
            this.entity = entity;
            this.problems = problems;
            this.probe = new Probe(c);
            this.catalog = new Catalog(c);
            this.numbered = WriteItemSql.of(WriteItemSql.Form.NUMBERED, entity);
            this.parameterTypes = entity.fields().values().stream().map(f -> f.type().sql())
                    .collect(Collectors.joining(", ", "(", ")"));
        }

        void run() throws SQLException {
            if (fromCompiles()) {
                for (FieldDefinition field : entity.fields().values()) {
                    checkRead(field);
                }
            }
            for (int i = 0; i < entity.writes().size(); i++) {
                checkWrite("writes[" + i + "]", entity.writes().get(i));
            }
        }

        private boolean fromCompiles() throws SQLException {
            String error = prepares("", "SELECT 1 FROM " + from());
            if (error != null) {
                add(null, "FROM clause '" + entity.from() + "' does not compile: " + error
                        + "; fix from: in the definition or create what it names in a migration");
            }
            return error == null;
        }

        private void checkRead(FieldDefinition field) throws SQLException {
            String sql = "CREATE TEMP VIEW " + TEMP_VIEW + " AS SELECT " + ViewGenerator.readSql(field.read())
                    + " AS " + SqlIdentifier.of(field.name()).quoted() + " FROM " + from();
            Probe.Outcome<String[]> types = probe.run(c -> {
                try (var s = c.createStatement()) {
                    s.execute(sql);
                }
                return readTypes(c, field);
            });
            if (types.failed()) {
                add(field.name(), "read '" + field.read() + "' does not compile: " + types.error()
                        + "; fix the read so it is an expression over from: " + entity.from());
            } else if (!types.value()[0].equals(types.value()[1])) {
                add(field.name(), "read '" + field.read() + "' has type " + types.value()[0] + " but the field is "
                        + "declared " + field.type().sql() + "; declare type: " + types.value()[0]
                        + " or make the read return " + field.type().sql() + " (e.g. CAST(" + field.read() + " AS "
                        + field.type().sql() + "))");
            }
        }

        /** {read's base type, declared base type}, both as format_type spells them. */
        private static String[] readTypes(Connection c, FieldDefinition field) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.format_type(a.atttypid, NULL),"
                    + " pg_catalog.format_type(pg_catalog.to_regtype(?), NULL) FROM pg_catalog.pg_attribute a"
                    + " WHERE a.attrelid = '" + TEMP_VIEW + "'::pg_catalog.regclass AND a.attnum = 1")) {
                s.setString(1, field.type().sql());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new String[] {rs.getString(1), String.valueOf(rs.getString(2))};
                }
            }
        }

        private void checkWrite(String item, WriteItem write) throws SQLException {
            Long table = catalog.table(write.tableName().quoted());
            if (table == null) {
                add(null, item + " table " + write.table() + " does not exist (or is not a table); fix " + item
                        + ".table or create the table in a migration");
                return;
            }
            Set<String> columns = catalog.columns(table);
            boolean compiles = checkColumns(item, write, "key", write.key(), columns);
            compiles &= checkColumns(item, write, "set", write.set(), columns);
            if (compiles) {
                checkStatements(item, write);
            }
            checkNotNull(write, table);
            checkKey(item, write, table);
        }

        /** Whether every column exists and its expression compiles; adds a problem for each that does not. */
        private boolean checkColumns(String item, WriteItem write, String part, Map<String, SqlExpression> exprs,
                                     Set<String> columns) throws SQLException {
            boolean ok = true;
            for (Map.Entry<String, SqlExpression> e : exprs.entrySet()) {
                String column = write.table() + "." + e.getKey();
                if (!columns.contains(e.getKey())) {
                    add(e.getKey(), item + " column " + column + " does not exist; fix " + item + "." + part + "."
                            + e.getKey() + " or add the column in a migration");
                    ok = false;
                    continue;
                }
                String error = prepares(numbered.insert(write, Map.of(e.getKey(), e.getValue())).sql());
                if (error != null) {
                    add(e.getKey(), item + " expression '" + e.getValue().text() + "' for column " + column
                            + " does not compile: " + error + "; fix " + item + "." + part + "." + e.getKey());
                    ok = false;
                }
            }
            return ok;
        }

        private void checkStatements(String item, WriteItem write) throws SQLException {
            Map<String, SqlExpression> all = new LinkedHashMap<>(write.key());
            all.putAll(write.set());
            String[][] statements = {{"insert", numbered.insert(write, all).sql()},
                    {"update", write.set().isEmpty() ? null : numbered.update(write, write.set()).sql()},
                    {"delete", numbered.delete(write).sql()}};
            for (String[] statement : statements) {
                String error = statement[1] == null ? null : prepares(statement[1]);
                if (error != null) {
                    add(null, item + " " + statement[0] + " into " + write.table() + " does not compile: " + error
                            + "; fix " + item);
                }
            }
        }

        private void checkNotNull(WriteItem write, long table) throws SQLException {
            for (String column : catalog.mustFill(table)) {
                if (!write.key().containsKey(column) && !write.set().containsKey(column)) {
                    add(column, "column " + write.table() + "." + column + " is NOT NULL without a DEFAULT and "
                            + "version " + v.version() + "'s insert does not fill it; add a DEFAULT in the migration"
                            + " or map the column in writes");
                }
            }
        }

        private void checkKey(String item, WriteItem write, long table) throws SQLException {
            List<Set<String>> unique = catalog.uniqueKeys(table);
            if (unique.contains(write.key().keySet())) {
                return;
            }
            String known = unique.isEmpty() ? "none" : unique.stream().map(k -> "(" + String.join(", ", k) + ")")
                    .collect(Collectors.joining(", "));
            add(null, item + " key (" + String.join(", ", write.key().keySet()) + ") is not the column set of a "
                    + "unique index on " + write.table() + " (unique keys: " + known + "); key " + item + " by a "
                    + "unique column set, or add a PRIMARY KEY or UNIQUE constraint in a migration");
        }

        /** Null if {@code PREPARE <name>(<field types>) AS <sql>} succeeds (and it is deallocated), else the error. */
        private String prepares(String sql) throws SQLException {
            return prepares(parameterTypes, sql);
        }

        /** Null if {@code PREPARE <name><types> AS <sql>} succeeds (and it is deallocated), else the error. */
        private String prepares(String types, String sql) throws SQLException {
            return probe.run(c -> {
                try (var s = c.createStatement()) {
                    s.execute("PREPARE " + PREPARED + types + " AS " + sql);
                    s.execute("DEALLOCATE " + PREPARED);
                }
                return Boolean.TRUE;
            }).error();
        }

        /** The FROM clause, never ending inside a {@code --} comment. */
        private String from() {
            return entity.from().contains("--") ? entity.from() + "\n" : entity.from();
        }

        private void add(String subject, String message) {
            problems.add(new LintProblem(v.app(), v.version(), entity.name(), subject, message,
                    subject != null && entity.fields().containsKey(subject)
                            ? v.where("entities", entity.name(), "fields", subject)
                            : v.where("entities", entity.name())));
        }
    }
}
