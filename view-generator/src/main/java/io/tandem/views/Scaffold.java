package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.SqlIdentifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first release of an app whose tables predate Tandem, drafted from the live tables for review: a baseline
 * migration ({@code migrations/V1__baseline.sql}) that creates the tables as they are, and a first version
 * definition ({@code versions/v1.yaml}) in which every table is an entity, every column a field, and every write goes
 * back to its own table. {@code tandem migrate --baseline} then records the baseline as applied without running
 * it, so the existing rows stay where they are; {@code tandem views check} runs it on a scratch database.
 *
 * <p>What cannot be drafted is said in {@link #problems()}, naming the table and column and what to do: a table
 * without a primary key, a name that is not a lowercase identifier, a column type Tandem does not map, a
 * {@code GENERATED ALWAYS} identity, tables that are partitioned or inherit. The baseline covers tables, columns,
 * defaults, identities, keys, constraints and indexes — enough to check definitions against; not triggers, views,
 * functions, types or policies.
 */
public final class Scaffold {
    private static final Pattern NEXTVAL = Pattern.compile("nextval\\('([^']+)'::regclass\\)");

    private final String app;
    private final String schema;
    private final List<ExistingTables.Table> tables;
    private final List<String> problems = new ArrayList<>();
    private final List<String> entities = new ArrayList<>();
    private final String baseline;
    private final String definition;

    private Scaffold(String app, String schema, List<ExistingTables.Table> tables) {
        this.app = app;
        this.schema = schema;
        this.tables = tables;
        this.definition = renderDefinition();
        this.baseline = renderBaseline();
    }

    /**
     * Drafts app {@code app}'s first release from the tables of {@code schema} in {@code c}'s database.
     *
     * @throws IllegalArgumentException when {@code app} is not a valid app name
     * @throws TandemException when {@code schema} holds no table that could become an entity (or does not exist)
     */
    public static Scaffold of(Connection c, String app, String schema) throws SQLException {
        SqlIdentifier.of(app);
        Scaffold draft = new Scaffold(app, schema, ExistingTables.read(c, schema));
        if (draft.entities.isEmpty()) { // its problems say so, and why each table was left out
            throw new TandemException("Nothing to draft app '" + app + "' from: " + String.join("; ", draft.problems)
                    + (schemaExists(c, schema) ? "" : "; there is no schema " + schema) + ". Nothing written.");
        }
        return draft;
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (var s = c.prepareStatement("SELECT FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            s.setString(1, schema);
            try (var rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code migrations/V1__baseline.sql}. */
    public String baselineMigration() {
        return baseline;
    }

    /** {@code versions/v1.yaml}. */
    public String firstDefinition() {
        return definition;
    }

    /** The tables that became entities. */
    public List<String> entities() {
        return List.copyOf(entities);
    }

    /** What was left out or needs a hand, one line each, naming the table (and column). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private String renderBaseline() {
        StringBuilder sql = new StringBuilder("""
                -- Baseline of app '%s': the tables of schema %s as they were when Tandem was adopted, drafted by
                -- `tandem views scaffold`. On that database `tandem migrate --baseline` records this migration as
                -- applied without running it (the tables and their rows stay as they are); `tandem views check` runs
                -- it on a scratch database to check the definitions against.
                """.formatted(app, schema));
        Set<String> sequences = new LinkedHashSet<>();
        for (ExistingTables.Table t : tables) {
            for (ExistingTables.Column col : t.columns()) {
                Matcher m = col.defaultSql() == null || col.serial() ? null : NEXTVAL.matcher(col.defaultSql());
                if (m != null && m.find()) {
                    sequences.add(m.group(1));
                }
            }
        }
        sequences.forEach(s -> sql.append("CREATE SEQUENCE IF NOT EXISTS ").append(s).append(";\n"));
        for (ExistingTables.Table t : tables) {
            if (t.shape() != null) {
                continue; // said in problems(): its DDL is the user's to add
            }
            sql.append("\nCREATE TABLE ").append(t.quoted()).append(" (\n");
            List<String> lines = new ArrayList<>();
            for (ExistingTables.Column col : t.columns()) {
                lines.add("    " + col.quoted() + " " + columnSql(col));
            }
            sql.append(String.join(",\n", lines)).append("\n);\n");
            for (ExistingTables.Constraint k : t.constraints()) {
                if (k.type() != 'f') {
                    sql.append(addConstraint(t, k));
                }
            }
            t.indexes().forEach(i -> sql.append(i).append(";\n"));
        }
        Set<String> drafted = new java.util.HashSet<>();
        tables.stream().filter(t -> t.shape() == null).forEach(t -> drafted.add(schema + "." + t.name()));
        for (ExistingTables.Table t : tables) { // foreign keys last: every table they name exists by then
            if (t.shape() != null) {
                continue;
            }
            for (ExistingTables.Constraint k : t.constraints()) {
                if (k.type() != 'f') {
                    continue;
                }
                if (drafted.contains(k.references())) {
                    sql.append(addConstraint(t, k));
                } else {
                    problems.add("table " + t.name() + ": foreign key " + k.name() + " references " + k.references()
                            + ", which the baseline does not create: left out of it; add that table's DDL and the key"
                            + " to V1__baseline.sql by hand if a definition needs them");
                }
            }
        }
        return sql.toString();
    }

    private static String addConstraint(ExistingTables.Table t, ExistingTables.Constraint k) {
        return "ALTER TABLE " + t.quoted() + " ADD CONSTRAINT " + k.quoted() + " "
                + k.definition() + ";\n";
    }

    private static String columnSql(ExistingTables.Column col) {
        if (col.serial()) {
            String serial = switch (col.type()) {
                case "smallint" -> "smallserial";
                case "integer" -> "serial";
                default -> "bigserial";
            };
            return serial + (col.notNull() ? " NOT NULL" : "");
        }
        StringBuilder sql = new StringBuilder(col.type());
        if (col.identity() != 0) {
            sql.append(col.identity() == 'a' ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY");
        } else if (col.isGenerated()) {
            sql.append(" GENERATED ALWAYS AS (").append(col.defaultSql()).append(col.generated() == 'v' ? ") VIRTUAL"
                    : ") STORED");
        } else if (col.defaultSql() != null) {
            sql.append(" DEFAULT ").append(col.defaultSql());
        }
        return sql.append(col.notNull() ? " NOT NULL" : "").toString();
    }

    private String renderDefinition() {
        StringBuilder yaml = new StringBuilder("""
                # Version 1 of app '%s', drafted by `tandem views scaffold` from the tables of schema %s: every table an
                # entity, every column a field, every write back to its own table. Review it before the first release:
                # leave out what version 1 does not use, rename nothing that the app's code already names.
                app: %s
                version: 1
                entities:
                """.formatted(app, schema, app));
        for (ExistingTables.Table t : tables) {
            String entity = entity(t);
            if (entity != null) {
                yaml.append(entity);
                entities.add(t.name());
            }
        }
        if (entities.isEmpty()) {
            yaml.append("  {}\n");
            problems.add("schema " + schema + " has no table that can be an entity: nothing to adopt there"
                    + " (give another schema with --schema)");
        }
        return yaml.toString();
    }

    /** The entity of {@code t}, or null (with the reason in {@link #problems}) when it cannot be one. */
    private String entity(ExistingTables.Table t) {
        String where = "table " + t.name();
        if (t.shape() != null) {
            problems.add(where + " is " + t.shape() + ": left out of the baseline and of version 1 (Tandem projects"
                    + " into ordinary tables); if a definition reads it, add its DDL to V1__baseline.sql by hand");
            return null;
        }
        if (!SqlIdentifier.isValid(t.name())) {
            problems.add(where + ": left out, its name is not one a definition can use (" + SqlIdentifier.RULE
                    + "); rename it in a migration first");
            return null;
        }
        ExistingTables.Constraint pk = t.primaryKey();
        if (pk == null) {
            problems.add(where + " has no primary key: left out (each entity needs a key the applier writes by);"
                    + " add one in a migration first");
            return null;
        }
        List<String> fields = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (ExistingTables.Column col : t.columns()) {
            String field = field(t, col, pk.columns().contains(col.name()));
            if (field == null) {
                if (pk.columns().contains(col.name())) {
                    return null;
                }
                continue;
            }
            fields.add(field);
            if (!pk.columns().contains(col.name()) && !col.isGenerated()) {
                set.add(col.name() + ": \":" + col.name() + "\"");
            }
        }
        StringBuilder e = new StringBuilder();
        e.append("  ").append(t.name()).append(":\n");
        e.append("    key: [").append(String.join(", ", pk.columns())).append("]\n");
        e.append("    from: ").append(scalar(t.quoted() + " t")).append('\n');
        e.append("    fields:\n");
        fields.forEach(f -> e.append("      ").append(f).append('\n'));
        e.append("    writes:\n");
        e.append("      - table: ").append(t.name()).append('\n');
        e.append("        key: { ").append(String.join(", ", pk.columns().stream()
                .map(k -> k + ": \":" + k + "\"").toList())).append(" }\n");
        if (!set.isEmpty()) {
            e.append("        set: { ").append(String.join(", ", set)).append(" }\n");
        }
        return e.toString();
    }

    /** The field line of {@code col}, or null (with the reason in {@link #problems}) when it cannot be a field. */
    private String field(ExistingTables.Table t, ExistingTables.Column col, boolean key) {
        String where = "table " + t.name() + ", column " + col.name();
        String leftOut = key ? ": the table was left out (a key column)" : ": left out of the entity";
        if (!SqlIdentifier.isValid(col.name())) {
            problems.add(where + leftOut + ", its name is not one a definition can use (" + SqlIdentifier.RULE + ")");
            return null;
        }
        FieldType type;
        try {
            type = FieldType.parse(col.type());
        } catch (IllegalArgumentException e) {
            problems.add(where + " is " + col.type() + leftOut + ": a type Tandem does not map (" + FieldType.SUPPORTED
                    + ")" + (col.notNull() && col.defaultSql() == null && !key
                    ? "; it is NOT NULL without a default, so inserts through the views would fail: give it a default"
                    : ""));
            return null;
        }
        if (col.identity() == 'a') {
            problems.add(where + " is GENERATED ALWAYS AS IDENTITY: the applier writes the values the views drew,"
                    + " which such a column refuses; make it BY DEFAULT in a migration of the first release"
                    + " (ALTER TABLE " + t.quoted() + " ALTER COLUMN " + col.quoted() + " SET GENERATED BY DEFAULT)");
        }
        String typeText = type.sql().contains("(") ? "\"" + type.sql() + "\"" : type.sql();
        return col.name() + ": { type: " + typeText + ", read: " + scalar("t." + col.quoted()) + " }";
    }

    /** {@code text} as a YAML scalar: single-quoted when it holds a double quote (a quoted SQL name). */
    private static String scalar(String text) {
        return text.contains("\"") ? "'" + text.replace("'", "''") + "'" : text;
    }
}
