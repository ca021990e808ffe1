package io.tandem.views;

import io.tandem.views.PlannedStatement.Effect;
import io.tandem.views.SqlTokens.Kind;
import io.tandem.views.SqlTokens.Statement;
import io.tandem.views.SqlTokens.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a release's pending migrations statement by statement and says, for each, which table it changes and how
 * ({@link Effect}); and what an online release cannot build beside. It reads only the first words of each statement,
 * the way a release engineer skims a script — enough for the forms migrations are written in, conservative for the
 * rest: a statement it does not know is never guessed to be cheap, it is refused for the online path.
 *
 * <p>The build runs every pending statement with the build schema first on the {@code search_path}; so every table
 * a statement changes must be built beside (copied), and a statement that names a table with its schema, or changes
 * something other than a table (a function, a view, a type), cannot be made to touch the build instead of the live
 * schema.
 */
final class ReleasePlanner {
    /** Defaults that PostgreSQL stores in the catalog without rewriting the table (non-volatile). */
    private static final Set<String> STABLE_DEFAULTS = Set.of("now", "current_timestamp", "current_date",
            "current_time", "localtimestamp", "localtime", "current_user", "session_user", "null", "true", "false");

    /** Settings a migration may not change in an online release: they would point it at, or keep it on, live tables. */
    private static final Set<String> PINNED_SETTINGS = Set.of("search_path", "role", "authorization", "lock_timeout",
            "all");

    private final String liveSchema;
    private final LiveCatalog catalog;
    private final List<PlannedStatement> statements = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final Set<String> created = new java.util.LinkedHashSet<>();
    private final Set<String> touched = new java.util.LinkedHashSet<>();
    private final Set<String> dropped = new java.util.HashSet<>();
    private String file;

    /** What the plan asks the live schema: the script does not say which table an index is on, or what exists. */
    interface LiveCatalog {
        /** The table index {@code index} belongs to, or null. */
        String tableOf(String index);

        /** Whether the live schema has a table named {@code table}. */
        boolean hasTable(String table);
    }

    ReleasePlanner(String liveSchema, LiveCatalog catalog) {
        this.liveSchema = liveSchema;
        this.catalog = catalog;
    }

    /** Plans one migration file's statements, in order; files must be given in version order. */
    void add(String fileName, String script) {
        this.file = fileName;
        List<Statement> parsed;
        try {
            parsed = SqlTokens.statements(script);
        } catch (IllegalArgumentException e) {
            refusals.add(fileName + ": " + e.getMessage());
            return;
        }
        for (Statement s : parsed) {
            plan(s);
        }
    }

    List<PlannedStatement> statements() {
        return List.copyOf(statements);
    }

    /** Why an online release of these migrations is impossible; empty when it is possible. */
    List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Tables and sequences the migrations create (or rename a table to). */
    Set<String> created() {
        return Set.copyOf(created);
    }

    /**
     * The live tables the migrations change, drop or tie a foreign key to, in the order first met: each must be built
     * beside. A name counts as the release's own only from the statement that creates it on: a live table touched
     * before a table of the same name is created (dropped, then re-created by a rename) is a live table.
     */
    Set<String> touched() {
        return java.util.Collections.unmodifiableSet(touched);
    }

    private void plan(Statement s) {
        Token t0 = s.at(0);
        switch (t0.text()) {
            case "create" -> create(s);
            case "alter" -> alter(s);
            case "update" -> target(s, skip(s, 1, "only"), Effect.FILLS);
            case "delete" -> target(s, skip(s, expect(s, 1, "from"), "only"), Effect.FILLS);
            case "insert" -> target(s, expect(s, 1, "into"), Effect.FILLS);
            case "copy" -> target(s, 1, Effect.FILLS);
            case "truncate" -> tables(s, skip(s, skip(s, 1, "table"), "only"), Effect.FILLS);
            case "drop" -> drop(s);
            case "comment" -> comment(s);
            case "grant", "revoke" -> grant(s);
            case "set", "reset" -> setting(s);
            case "select", "analyze" -> add(s, null, Effect.NONE);
            default -> unsupported(s, "a " + t0.text().toUpperCase(java.util.Locale.ROOT) + " statement");
        }
    }

    private void setting(Statement s) {
        String name = s.at(s.at(1).is("local") || s.at(1).is("session") ? 2 : 1).text();
        if (PINNED_SETTINGS.contains(name)) {
            unsupported(s, "changing " + name + " (the build must run on the build schema, under its lock timeout)");
            return;
        }
        add(s, null, Effect.NONE);
    }

    private void create(Statement s) {
        int i = skip(s, skip(s, 1, "or"), "replace");
        i = skip(s, skip(s, skip(s, skip(s, skip(s, i, "global"), "local"), "temp"), "temporary"), "unlogged");
        if (s.at(i).is("table")) {
            int name = skip(s, i + 1, "if", "not", "exists");
            String table = name(s, name);
            if (table != null) {
                if (s.has("partition")) {
                    unsupported(s, "a partitioned or partition table");
                    return;
                }
                if (!created.contains(table) && !dropped.contains(table) && catalog.hasTable(table)) {
                    refusals.add(where(s) + ": creates table " + table + ", which already exists in schema "
                            + liveSchema + "; the migration would fail in place too");
                    return;
                }
                references(s);
                created.add(table);
                add(s, table, Effect.CREATES);
            }
        } else if (s.at(i).is("sequence")) {
            String sequence = name(s, skip(s, i + 1, "if", "not", "exists"));
            if (sequence != null) {
                created.add(sequence);
                add(s, null, Effect.CREATES);
            }
        } else if (s.at(i).is("index") || s.at(i).is("unique") && s.at(i + 1).is("index")) {
            if (s.has("concurrently")) {
                refusals.add(where(s) + ": CREATE INDEX CONCURRENTLY cannot run in the release's transaction; an"
                        + " online release builds the index beside the live table, where nobody waits for it: drop"
                        + " CONCURRENTLY");
                return;
            }
            int on = indexOf(s, "on");
            target(s, skip(s, on + 1, "only"), Effect.SCANS);
        } else {
            unsupported(s, "CREATE " + s.at(i).text().toUpperCase(java.util.Locale.ROOT));
        }
    }

    private void alter(Statement s) {
        if (s.at(1).is("table")) {
            int i = skip(s, skip(s, 2, "if", "exists"), "only");
            String table = name(s, i);
            if (table == null) {
                return;
            }
            Effect effect = Effect.NONE;
            for (List<Token> action : actions(s, next(s, i))) {
                effect = Effect.worst(effect, action(s, table, action));
            }
            references(s);
            add(s, table, effect);
        } else if (s.at(1).is("sequence")) {
            String sequence = name(s, skip(s, 2, "if", "exists"));
            if (sequence != null && !created.contains(sequence)) {
                unsupported(s, "ALTER SEQUENCE of a sequence the live tables use (" + sequence + ")");
            } else if (sequence != null) {
                add(s, null, Effect.METADATA);
            }
        } else if (s.at(1).is("index")) {
            index(s, name(s, skip(s, 2, "if", "exists")));
        } else {
            unsupported(s, "ALTER " + s.at(1).text().toUpperCase(java.util.Locale.ROOT));
        }
    }

    private Effect action(Statement s, String table, List<Token> a) {
        String first = a.isEmpty() ? "" : a.get(0).text();
        String second = a.size() > 1 ? a.get(1).text() : "";
        switch (first) {
            case "add" -> {
                if (Set.of("constraint", "primary", "unique", "check", "foreign", "exclude").contains(second)) {
                    return contains(a, "not", "valid") ? Effect.METADATA : Effect.SCANS;
                }
                if (has(a, "generated") || volatileDefault(a) || has(a, "serial") || has(a, "bigserial")
                        || has(a, "smallserial")) {
                    return Effect.REWRITES; // a stored expression, a volatile default or a sequence fills every row
                }
                return has(a, "primary") || has(a, "unique") || has(a, "references") || has(a, "check")
                        || contains(a, "not", "null") && !has(a, "default") ? Effect.SCANS : Effect.METADATA;
            }
            case "alter" -> {
                if (has(a, "type")) {
                    return Effect.REWRITES;
                }
                return contains(a, "set", "not", "null") ? Effect.SCANS : Effect.METADATA;
            }
            case "validate" -> {
                return Effect.SCANS;
            }
            case "rename" -> {
                if (second.equals("to") && a.size() > 2) {
                    created.add(a.get(2).identifier());
                }
                return Effect.METADATA;
            }
            case "set" -> {
                if (second.equals("schema")) {
                    unsupported(s, "ALTER TABLE ... SET SCHEMA");
                }
                return second.equals("logged") || second.equals("unlogged") || second.equals("tablespace")
                        ? Effect.REWRITES : Effect.METADATA;
            }
            case "attach", "detach", "inherit", "no" -> {
                unsupported(s, "ALTER TABLE ... " + first.toUpperCase(java.util.Locale.ROOT));
                return Effect.METADATA;
            }
            default -> {
                return Effect.METADATA; // drop, owner to, replica identity, enable/disable trigger, cluster on, ...
            }
        }
    }

    private static boolean volatileDefault(List<Token> a) {
        for (int k = 0; k < a.size() - 1; k++) {
            if (a.get(k).is("default")) {
                Token value = a.get(k + 1);
                boolean call = k + 2 < a.size() && a.get(k + 2).text().equals("(");
                return value.kind() == Kind.WORD && !STABLE_DEFAULTS.contains(value.text()) && call
                        || value.kind() == Kind.SYMBOL && value.text().equals("(");
            }
        }
        return false;
    }

    private void drop(Statement s) {
        String what = s.at(1).text();
        if (what.equals("table")) {
            tables(s, skip(s, 2, "if", "exists"), Effect.DROPS);
        } else if (what.equals("index")) {
            index(s, name(s, skip(s, skip(s, 2, "concurrently"), "if", "exists")));
        } else if (what.equals("sequence")) {
            String sequence = name(s, skip(s, 2, "if", "exists"));
            if (sequence != null && !created.contains(sequence)) {
                unsupported(s, "DROP SEQUENCE of a sequence the live tables use (" + sequence + ")");
            }
        } else {
            unsupported(s, "DROP " + what.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private void comment(Statement s) {
        if (s.at(2).is("table")) {
            target(s, 3, Effect.METADATA);
        } else if (s.at(2).is("column")) {
            Token first = s.at(3);
            boolean qualified = s.at(4).text().equals(".") && s.at(6).text().equals(".");
            if (qualified) {
                refuseQualified(s, first.identifier());
            } else {
                add(s, first.identifier(), Effect.METADATA);
            }
        } else {
            unsupported(s, "COMMENT ON " + s.at(2).text().toUpperCase(java.util.Locale.ROOT));
        }
    }

    private void grant(Statement s) {
        int on = indexOf(s, "on");
        if (on < 0 || s.at(on + 1).is("all") || !(s.at(on + 1).is("table")
                || s.at(on + 1).kind() == Kind.WORD && !Set.of("sequence", "schema", "function", "database")
                .contains(s.at(on + 1).text()))) {
            unsupported(s, "a GRANT or REVOKE on something other than tables");
            return;
        }
        tables(s, skip(s, on + 1, "table"), Effect.METADATA);
    }

    private void index(Statement s, String index) {
        if (index == null) {
            return;
        }
        String table = catalog.tableOf(index);
        if (table == null && !created.contains(index)) {
            unsupported(s, "an index (" + index + ") that belongs to no table of schema " + liveSchema);
            return;
        }
        add(s, table, Effect.METADATA);
    }

    /** The table named at {@code i} changed by {@code s}. */
    private void target(Statement s, int i, Effect effect) {
        String table = name(s, i);
        if (table != null) {
            add(s, table, effect);
        }
    }

    /** The comma-separated tables starting at {@code i}, each changed by {@code s}. */
    private void tables(Statement s, int i, Effect effect) {
        while (true) {
            String table = name(s, i);
            if (table == null) {
                return;
            }
            add(s, table, effect);
            i = next(s, i);
            if (!s.at(i).text().equals(",")) {
                return;
            }
            i++;
        }
    }

    /** The unqualified table name at {@code i}, or null (refused) when it is qualified or missing. */
    private String name(Statement s, int i) {
        Token t = s.at(i);
        if (t.identifier() == null) {
            unsupported(s, "a statement whose object name the plan cannot read");
            return null;
        }
        if (s.at(i + 1).text().equals(".")) {
            refuseQualified(s, t.identifier() + "." + s.at(i + 2).text());
            return null;
        }
        return t.identifier();
    }

    /** The index after the (possibly qualified) name at {@code i}. */
    private static int next(Statement s, int i) {
        return s.at(i + 1).text().equals(".") ? i + 3 : i + 1;
    }

    private void refuseQualified(Statement s, String name) {
        refusals.add(where(s) + ": names " + name + " with its schema; an online release runs the migrations on a"
                + " build schema that unqualified names resolve to first: write the name without its schema, or"
                + " release in place (tandem migrate --in-place)");
    }

    private void unsupported(Statement s, String what) {
        refusals.add(where(s) + ": " + what + " cannot be built beside the live tables; release it in place"
                + " (tandem migrate --in-place), or in a release of its own before or after this one");
        add(s, null, Effect.NONE);
    }

    private void add(Statement s, String table, Effect effect) {
        if (table != null && effect != Effect.NONE && effect != Effect.CREATES && !created.contains(table)) {
            touched.add(table);
        }
        if (effect == Effect.DROPS) {
            dropped.add(table);
            created.remove(table);
        }
        statements.add(new PlannedStatement(file, s.line(), summary(s), table, effect));
    }

    /**
     * The tables {@code s}'s foreign keys reference: a constraint on a live table takes a lock on it and adds
     * triggers to it, so a referenced live table is built beside too.
     */
    private void references(Statement s) {
        for (int k = 0; k + 1 < s.tokens().size(); k++) {
            if (s.tokens().get(k).is("references")) {
                String table = s.at(k + 1).identifier();
                if (s.at(k + 2).text().equals(".")) {
                    refuseQualified(s, table + "." + s.at(k + 3).text());
                } else if (table != null && !created.contains(table)) {
                    touched.add(table);
                }
            }
        }
    }

    private String where(Statement s) {
        return file + ":" + s.line();
    }

    /** The action list of ALTER TABLE from {@code i}: split at top-level commas. */
    private static List<List<Token>> actions(Statement s, int i) {
        List<List<Token>> actions = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (int k = i; k < s.tokens().size(); k++) {
            Token t = s.tokens().get(k);
            if (t.text().equals("(") && t.kind() == Kind.SYMBOL) {
                depth++;
            } else if (t.text().equals(")") && t.kind() == Kind.SYMBOL) {
                depth--;
            } else if (t.text().equals(",") && depth == 0) {
                actions.add(current);
                current = new ArrayList<>();
                continue;
            }
            current.add(t);
        }
        actions.add(current);
        return actions;
    }

    /** The statement's first words as written (the tokens lowercase them), cut at 80 characters. */
    private static String summary(Statement s) {
        String text = s.opening(6);
        if (text.length() > 80) {
            return text.substring(0, 77) + "...";
        }
        return s.tokens().size() > 6 ? text + " ..." : text;
    }

    private static int skip(Statement s, int i, String... words) {
        int k = i;
        for (String w : words) {
            if (s.at(k).is(w)) {
                k++;
            } else {
                return i;
            }
        }
        return k;
    }

    private static int expect(Statement s, int i, String word) {
        return s.at(i).is(word) ? i + 1 : i;
    }

    private static int indexOf(Statement s, String word) {
        for (int k = 0; k < s.tokens().size(); k++) {
            if (s.tokens().get(k).is(word)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean has(List<Token> a, String word) {
        return a.stream().anyMatch(t -> t.is(word));
    }

    private static boolean contains(List<Token> a, String... words) {
        outer:
        for (int k = 0; k + words.length <= a.size(); k++) {
            for (int w = 0; w < words.length; w++) {
                if (!a.get(k + w).is(words[w])) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
