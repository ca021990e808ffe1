package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.definitions.WriteItem;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A switch's new views, created in its transaction before it holds anything, under their final names, reading the
 * incoming tables where they are now; the views they replace set aside under other names, to be dropped once the
 * switch holds the views.
 *
 * <p>Why: recreating every version's views, functions and grants is catalog work that grows with the entities and
 * versions (about 15 ms of generation and 25 ms of DDL a version of two entities on a 2-core machine), and while the
 * switch holds the views every reader and writer of the app waits. Done before the hold, none of that is waited for.
 * Nobody else sees any of it before the commit: the renamed schemas keep their old names for every other session, so
 * the app goes on reading and writing the views it has; at the commit the old views are gone, and every statement
 * resolves the names again, to the new ones.
 *
 * <p>The statements are generated once, before the switch is tried ({@link #plan}, on a connection of their own),
 * and each try of the switch creates them ({@link #prepare}) in one round trip.
 *
 * <p>A view binds the tables it reads when it is created and follows them when the switch moves them into the live
 * schema. So staging needs every table the new views and write items name to be one the switch leaves live: an
 * incoming table (found first, through the search_path) or a live table that stays. A definition that names a
 * live table the switch moves out (e.g. {@code public.customer}, schema-qualified) cannot be staged; the switch then
 * recreates the views while it holds them, as an in-place release does. So it does when creating them fails (a lock
 * timeout aside, which fails the try like any other): the same work done while held says what is wrong, if anything
 * still is.
 */
final class StagedViews {
    private static final String SAVEPOINT = "tandem_staged_views";

    /**
     * Tables the new views read (or whose row type they use) that the switch moves out, or that stay behind in the
     * incoming schema.
     */
    private static final String STRANDED = """
            SELECT DISTINCT vn.nspname || '.' || v.relname, tn.nspname || '.' || t.relname
              FROM pg_catalog.pg_rewrite r
              JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
              JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
              JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                   AND d.objid = r.oid
              LEFT JOIN pg_catalog.pg_type ty ON d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass
                   AND ty.oid = d.refobjid
              JOIN pg_catalog.pg_class t ON t.oid = CASE d.refclassid
                   WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN d.refobjid ELSE ty.typrelid END
                   AND t.oid <> v.oid
              JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
             WHERE vn.nspname = ANY (?)
               AND (tn.nspname = ? AND t.relname = ANY (?) OR tn.nspname = ? AND t.relname <> ALL (?))
             ORDER BY 1, 2""";

    private final List<String> aside;
    private final List<String> shared;

    private StagedViews(List<String> aside, List<String> shared) {
        this.aside = aside;
        this.shared = shared;
    }

    /**
     * The statements that create a switch's views, generated ahead, on a connection of their own: generating them
     * reads the catalog in a few dozen round trips, which on a busy server each wait their turn for a core, so it is
     * done once, before the switch is tried, rather than in every try.
     *
     * @param step       what creates them, as its progress says
     * @param live       the live schema
     * @param inSchema   where the incoming tables are until the switch moves them into {@code live}
     * @param versions   the versions whose views these are
     * @param statements the views, functions and grants of every version: the part created ahead, and the part run
     *                   while the switch holds the app ({@link ViewGenerator.Parts})
     */
    record Plan(SwitchStep step, String live, String inSchema, List<VersionDefinition> versions,
                ViewGenerator.Parts statements) {
    }

    /** How a fallback is reported. */
    private static String held(SwitchStep step) {
        return step.heading() + ": the views are recreated while the " + step + " holds them, not before: ";
    }

    /**
     * Generates the statements that create {@code versions}' views over the tables a switch will make live (those of
     * {@code inSchema}, found first, and those of {@code live} outside {@code outgoing}). Empty, said through
     * {@code progress}, when a write item names a table the switch moves out or a definition cannot be generated
     * there (an error of the definition, SQLSTATE class 42, or a literal naming {@code inSchema}): the switch then
     * recreates the views while it holds them, where the same work says what is wrong, if anything still is. A
     * refusal ({@link MigrationRefusedException}) and any other error are thrown, before anything is held.
     */
    static Optional<Plan> plan(SwitchStep step, DataSource dataSource, DefinitionsSwitch definitions,
                               List<VersionDefinition> versions, String live, String inSchema, List<String> outgoing,
                               MigrationProgress progress)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                putFirst(c, inSchema);
                List<String> stranded = strandedWrites(c, versions, live, outgoing);
                if (!stranded.isEmpty()) {
                    progress.step(held(step) + String.join("; ", stranded) + ": not live after the " + step);
                    return Optional.empty();
                }
                return Optional.of(new Plan(step, live, inSchema, versions,
                        definitions.statements(c, versions, new PendingMove(inSchema, live))));
            } catch (SQLException e) {
                if (!definitionError(e)) {
                    throw e;
                }
                progress.step(held(step) + "generating them failed: " + e.getMessage());
                return Optional.empty();
            } catch (PendingMove.Unmovable e) {
                progress.step(held(step) + e.getMessage());
                return Optional.empty();
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Sets the views of {@code live}'s versions (and of the plan's) aside and creates the plan's own part. Empty, with
     * nothing changed, when a new view reads a table the switch moves out ({@code outgoing}) or leaves in the
     * incoming schema (not {@code incoming}), or the database refuses a definition (SQLSTATE class 42; said through
     * {@code progress}); any other error is thrown, a lock timeout to be retried like any try of the switch.
     */
    static Optional<StagedViews> prepare(Connection c, Plan plan, List<VersionDefinition> live, List<String> outgoing,
                                         List<String> incoming, MigrationProgress progress) throws SQLException {
        execute(c, "SAVEPOINT " + SAVEPOINT);
        List<String> aside;
        List<String> stranded;
        try {
            Set<String> schemas = viewSchemas(live, plan.versions());
            aside = setAside(c, schemas);
            String path = putFirst(c, plan.inSchema());
            DefinitionsSwitch.execute(c, plan.statements().own());
            setSearchPath(c, path);
            stranded = strandedReads(c, schemas, plan.live(), plan.inSchema(), outgoing, incoming);
        } catch (SQLException e) {
            if (!definitionError(e)) {
                throw e;
            }
            undo(c);
            progress.step(held(plan.step()) + "creating them failed: " + e.getMessage());
            return Optional.empty();
        }
        if (!stranded.isEmpty()) {
            undo(c);
            progress.step(held(plan.step()) + String.join("; ", stranded) + ": not live after the " + plan.step());
            return Optional.empty();
        }
        execute(c, "RELEASE SAVEPOINT " + SAVEPOINT);
        return Optional.of(new StagedViews(aside, plan.statements().shared()));
    }

    /**
     * Drops the views set aside, waiting for the transactions reading or writing through them to end, and runs the
     * grants on what the versions share with others.
     */
    void swapIn(Connection c) throws SQLException {
        for (String schema : aside) {
            execute(c, "DROP SCHEMA " + SqlIdentifier.of(schema).quoted() + " CASCADE");
        }
        DefinitionsSwitch.execute(c, shared);
    }

    /** An error of a definition (syntax, an undefined or duplicate name, a type mismatch...), not of the moment. */
    private static boolean definitionError(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("42");
    }

    private static void undo(Connection c) throws SQLException {
        execute(c, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
        execute(c, "RELEASE SAVEPOINT " + SAVEPOINT);
    }

    private static Set<String> viewSchemas(List<VersionDefinition> live, List<VersionDefinition> versions) {
        Set<String> schemas = new LinkedHashSet<>();
        List<VersionDefinition> all = new ArrayList<>(live);
        all.addAll(versions);
        for (VersionDefinition v : all) {
            schemas.addAll(v.viewSchemas());
        }
        return schemas;
    }

    /** Renames each of {@code schemas} that exists to {@code tandem_aside_<oid>}; returns the new names. */
    private static List<String> setAside(Connection c, Set<String> schemas) throws SQLException {
        List<String> renamed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT oid, nspname FROM pg_catalog.pg_namespace"
                + " WHERE nspname = ANY (?) ORDER BY oid")) {
            s.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String to = "tandem_aside_" + rs.getLong(1);
                    execute(c, "ALTER SCHEMA " + SqlIdentifier.of(rs.getString(2)).quoted() + " RENAME TO "
                            + SqlIdentifier.of(to).quoted());
                    renamed.add(to);
                }
            }
        }
        return renamed;
    }

    /** Relations the new views read that will not be live after the switch, as "view ... reads ..." lines. */
    private static List<String> strandedReads(Connection c, Set<String> schemas, String live, String inSchema,
                                              List<String> outgoing, List<String> incoming) throws SQLException {
        List<String> stranded = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(STRANDED)) {
            s.setArray(1, c.createArrayOf("text", schemas.toArray()));
            s.setString(2, live);
            s.setArray(3, c.createArrayOf("text", outgoing.toArray()));
            s.setString(4, inSchema);
            s.setArray(5, c.createArrayOf("text", incoming.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stranded.add("view " + rs.getString(1) + " reads " + rs.getString(2));
                }
            }
        }
        return stranded;
    }

    /**
     * Write items whose table is one the switch moves out, as "version N's entity writes ..." lines: the write
     * triggers draw keys from that table's sequences.
     */
    private static List<String> strandedWrites(Connection c, List<VersionDefinition> versions, String live,
                                               List<String> outgoing) throws SQLException {
        List<String> stranded = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT n.nspname, t.relname FROM pg_catalog.pg_class t"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE t.oid = pg_catalog.to_regclass(?)")) {
            for (VersionDefinition v : versions) {
                for (EntityDefinition entity : v.entities().values()) {
                    for (WriteItem item : entity.writes()) {
                        s.setString(1, item.tableName().quoted());
                        try (ResultSet rs = s.executeQuery()) {
                            if (rs.next() && rs.getString(1).equals(live) && outgoing.contains(rs.getString(2))) {
                                stranded.add("version " + v.version() + "'s " + entity.name() + " writes "
                                        + live + "." + rs.getString(2));
                            }
                        }
                    }
                }
            }
        }
        return stranded;
    }

    /**
     * Puts {@code schema} first on the search_path for the rest of the transaction, so that the definitions' table
     * names find the incoming tables; returns the search_path before.
     */
    private static String putFirst(Connection c, String schema) throws SQLException {
        String path = searchPath(c);
        setSearchPath(c, SqlIdentifier.of(schema).quoted() + ", " + path);
        return path;
    }

    private static String searchPath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** For the rest of the transaction, or until set again. */
    private static void setSearchPath(Connection c, String path) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, true)")) {
            s.setString(1, path);
            s.execute();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
