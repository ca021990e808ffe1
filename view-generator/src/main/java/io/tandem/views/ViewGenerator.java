package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.SqlExpression;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Generates the SQL that (re)creates a live app version's read side and its least-privilege role: the schema
 * {@code <app>_v<N>} with one view per entity (the applied state overlaid with the reading transaction's own
 * writes), the schema {@code <app>_v<N>_plain} with the same views without the overlay (for transactions that have
 * written nothing; the write triggers move a writing transaction's search_path off it, see docs/views.md "Own
 * writes"), the role (named by a {@link RoleNaming}, {@code <app>_v<N>_app} by default), its grants and its entry in
 * {@code tandem.version_roles} (read by the journal's one row-level security policy); and the SQL that removes all
 * of it when the version is retired. Each entity's objects come from {@code OverlayView}, {@code OwnStateFunction}
 * and {@code WriteTrigger}, the version's journal row from {@code JournalAppend}; this class puts them in order with
 * the schemas, the role and its grants.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>every statement is idempotent, and all of them are meant to run in one transaction the caller owns:
 *       readers see the old views or the new ones, never a mix;</li>
 *   <li>the view schema ends up holding exactly the definition's views (stale views are dropped);</li>
 *   <li>the role gets exactly: USAGE and SELECT on its own two view schemas (INSERT, UPDATE, DELETE on their
 *       writable views, whose triggers journal them); USAGE on schema {@code tandem}; INSERT
 *       of the writer's columns of {@code tandem.journal} and USAGE on its sequence; EXECUTE on
 *       {@code tandem.append}, {@code tandem.lock_key} and {@code tandem.unapplied_version_change}; SELECT on
 *       {@code tandem.role_versions}, {@code tandem.role_journal}, {@code tandem.role_applier_state} and
 *       {@code tandem.role_rejects} (what the Hibernate boot check and a fence read: the version's own definition,
 *       the seq numbers, applier position and rejects of its app); EXECUTE on its own version's
 *       {@code journal_append} and {@code <entity>_own} functions (revoked from PUBLIC); USAGE on the sequences its
 *       entities' keys draw from (and on their schemas, to reach them by name). No access to physical tables, to
 *       another version's views or definition, or to the journal's rows;</li>
 *   <li>row-level security lets the role (and its members) insert journal rows of its own app and version only;
 *       registering it is a row in {@code tandem.version_roles}, never DDL on the journal, so a release never
 *       makes a writer wait;</li>
 *   <li>every name is a validated {@link SqlIdentifier} and quoted; no value from a definition is spliced
 *       into SQL other than the definition's own {@code from} and {@code read} SQL.</li>
 * </ul>
 * Requires Tandem's schema (version 16 or later) installed, and a caller that owns {@code tandem.journal}.
 * Stateless and thread-safe.
 */
public final class ViewGenerator {
    private static final String JOURNAL = TandemSchema.SCHEMA + ".journal";
    private static final String WRITER_COLUMNS = "app, app_version, entity, op, key, data, changed, origin";
    private static final String APPEND = TandemSchema.SCHEMA
            + ".append(text, integer, text, text, jsonb, jsonb, text[], text)";

    /**
     * Tandem's views that show a version's role its own share (Tandem schema V10): its version's definition, its
     * app's journal seq numbers, applier position and rejects.
     */
    static final List<String> ROLE_VIEWS = List.of(TandemSchema.SCHEMA + ".role_versions",
            TandemSchema.SCHEMA + ".role_journal", TandemSchema.SCHEMA + ".role_applier_state",
            TandemSchema.SCHEMA + ".role_rejects");

    private final RoleNaming roles;

    /** A generator naming roles {@code <app>_v<N>_app}. */
    public ViewGenerator() {
        this(RoleNaming.DEFAULT);
    }

    /** A generator naming roles with {@code roles}, e.g. {@code RoleNaming.pattern("%s_v%d_rw")}. */
    public ViewGenerator(RoleNaming roles) {
        this.roles = Objects.requireNonNull(roles, "roles");
    }

    /**
     * The role of {@code app} version {@code version}, e.g. {@code shop_v1_app}.
     *
     * @throws IllegalArgumentException if it is not a valid name
     */
    public String roleName(String app, int version) {
        return role(app, version).name();
    }

    /**
     * The statements that create or update version {@code v}'s views, role, grants and journal policy, in order.
     *
     * @param c used only to look up the sequences the entities' key columns draw their defaults from
     * @throws IllegalArgumentException if a generated name (schema, role) would not be a valid name, or the role naming
     *                                  gives the next version the same role
     * @throws MigrationRefusedException if the generating role lacks the rights of {@code tandem.journal}'s owner
     *                                   ({@link JournalOwnerCheck}), Tandem's schema is older than the views need
     *                                   ({@link TandemSchemaCheck}), or a function or operator it does not trust is
     *                                   on its search_path ({@link ShadowCheck})
     */
    public List<String> statements(Connection c, VersionDefinition v) throws SQLException {
        return parts(c, v, PendingMove.NONE).all();
    }

    /**
     * {@link #statements} in its two parts, for a switch that may then move tables: the generated function bodies
     * name the tables and sequences of {@code move}'s schema where they will be.
     */
    Parts parts(Connection c, VersionDefinition v, PendingMove move) throws SQLException {
        SqlIdentifier role = ownRole(v);
        JournalOwnerCheck.verify(c, v);
        TandemSchemaCheck.verify(c, v);
        return generate(c, v, role, move);
    }

    /**
     * A version's statements in two parts, to be run in this order: {@code own}, its schemas and everything in them,
     * its role and the grants on its own objects; {@code shared}, the grants on what it shares with other versions
     * and apps (Tandem's schema, the journal, key sequences and their schemas) and its row in
     * {@code tandem.version_roles} — catalog rows that another app's release writes too, so a switch that creates
     * the first part ahead runs the second only while it holds the app, for milliseconds.
     */
    record Parts(List<String> own, List<String> shared) {
        List<String> all() {
            List<String> all = new ArrayList<>(own);
            all.addAll(shared);
            return all;
        }
    }

    /** {@link #statements} without the generating role's check: a script is run, and checked, by its runner. */
    private Parts generate(Connection c, VersionDefinition v, SqlIdentifier role, PendingMove move)
            throws SQLException {
        ShadowCheck.verify(c, v);
        SqlIdentifier schema = SqlIdentifier.of(v.viewSchema());
        SqlIdentifier plain = SqlIdentifier.of(v.plainViewSchema());
        List<String> sql = new ArrayList<>();
        for (SqlIdentifier s : List.of(schema, plain)) {
            sql.add("CREATE SCHEMA IF NOT EXISTS " + s.quoted());
            sql.add(dropOtherViews(s, v.entities().keySet()));
        }
        List<String> writable = new ArrayList<>();
        List<String> ownFunctions = new ArrayList<>();
        boolean writes = v.entities().values().stream().anyMatch(e -> !e.readOnly());
        if (writes) {
            sql.add(JournalAppend.create(v));
        }
        for (EntityDefinition entity : v.entities().values()) {
            EntityObjects objects = EntityObjects.of(v, entity);
            String select = select(entity);
            sql.add("DROP VIEW IF EXISTS " + objects.view());
            sql.add("DROP VIEW IF EXISTS " + objects.plainView());
            CompiledSelect compiled = CompiledSelect.of(c, select);
            sql.add(OwnStateFunction.create(objects.ownFunction(), v, entity, move.named(compiled.qualified())));
            sql.add(OverlayView.create(objects, entity, select, compiled.columnTypes()));
            sql.add("CREATE VIEW " + objects.plainView() + " AS\n" + select);
            ownFunctions.add(objects.ownFunction());
            if (!entity.readOnly()) {
                Map<String, KeySequences.Sequence> keySequences = new LinkedHashMap<>();
                KeySequences.ofKeyFields(c, entity).forEach((field, seq) -> keySequences.put(field, move.named(seq)));
                sql.add(WriteTrigger.function(objects, v, entity, keySequences));
                for (String target : List.of(objects.view(), objects.plainView())) {
                    sql.add(WriteTrigger.create(objects, target));
                    writable.add(target);
                }
            }
        }
        sql.add(createRole(role));
        for (SqlIdentifier viewSchema : List.of(schema, plain)) {
            sql.add("GRANT USAGE ON SCHEMA " + viewSchema.quoted() + " TO " + role.quoted());
            sql.add("GRANT SELECT ON ALL TABLES IN SCHEMA " + viewSchema.quoted() + " TO " + role.quoted());
        }
        for (String view : writable) {
            sql.add("GRANT INSERT, UPDATE, DELETE ON " + view + " TO " + role.quoted());
        }
        // a function called by a view is checked against the caller, not the view's owner
        for (String own : ownFunctions) {
            sql.add("REVOKE EXECUTE ON FUNCTION " + own + "() FROM PUBLIC");
            sql.add("GRANT EXECUTE ON FUNCTION " + own + "() TO " + role.quoted());
        }
        if (writes) {
            sql.addAll(JournalAppend.grants(v, role));
        }
        List<String> shared = new ArrayList<>(sharedGrants(role, KeySequences.of(c, v), move));
        shared.addAll(policy(role, v.app(), v.version()));
        return new Parts(sql, shared);
    }

    /**
     * The statements that retire {@code app} version {@code version}: drop its view schema with everything in
     * it, remove it from the journal's writers, revoke every privilege its role holds in this database and drop the role.
     * Idempotent. The role is kept (with a NOTICE) when it still holds privileges in another database of the
     * cluster, since roles are cluster-wide.
     *
     * @throws IllegalArgumentException if {@code app} is not a valid name or {@code version} is not positive
     */
    public List<String> dropStatements(String app, int version) {
        if (version <= 0) {
            throw new IllegalArgumentException("version must be positive, not " + version);
        }
        SqlIdentifier.of(app); // a bad name is refused as the app's
        SqlIdentifier role = role(app, version);
        List<String> sql = new ArrayList<>();
        for (String schema : VersionDefinition.viewSchemas(app, version)) {
            sql.add("DROP SCHEMA IF EXISTS " + SqlIdentifier.of(schema).quoted() + " CASCADE");
        }
        sql.add("DELETE FROM tandem.version_roles WHERE role = " + SqlLiteral.of(role.name()));
        sql.add(dropRole(role));
        return sql;
    }

    /**
     * {@link #statements} as one reviewable SQL script with a header comment, each statement ending in
     * {@code ;}. Run it in one transaction, e.g. {@code psql -1 -f shop_v1.sql}. It may be generated by any role, on
     * any database with the tables (a scratch one); its first statements refuse a runner without the rights of
     * {@code tandem.journal}'s owner ({@link JournalOwnerCheck}) and a database whose Tandem schema is older than
     * the views need ({@link TandemSchemaCheck}).
     */
    public String script(Connection c, VersionDefinition v) throws SQLException {
        String header = """
                -- Tandem: views and grants of %s version %d (schema %s, role %s).
                -- Generated from %s. Idempotent; run it in ONE transaction, e.g. psql -1 -f <this file>,
                -- as the owner of tandem.journal.
                """.formatted(v.app(), v.version(), v.viewSchema(), roleName(v.app(), v.version()),
                v.sourceFile().replace('\n', ' '));
        SqlIdentifier role = ownRole(v);
        List<String> statements = new ArrayList<>(List.of(JournalOwnerCheck.statement(v),
                TandemSchemaCheck.statement(v)));
        statements.addAll(generate(c, v, role, PendingMove.NONE).all());
        return statements.stream().map(s -> s + ";\n").collect(Collectors.joining("\n", header + "\n", ""));
    }

    private SqlIdentifier role(String app, int version) {
        return SqlIdentifier.of(roles.roleName(app, version));
    }

    /** {@code v}'s role, refused if the naming gives the next version the same one. */
    private SqlIdentifier ownRole(VersionDefinition v) {
        SqlIdentifier role = role(v.app(), v.version());
        if (role.name().equals(roles.roleName(v.app(), v.version() + 1))) {
            throw new IllegalArgumentException("the role naming gives " + v.app() + " version " + v.version()
                    + " and version " + (v.version() + 1) + " the same role, " + role.name() + "; each version needs"
                    + " a role of its own: name it with the version, e.g. RoleNaming.pattern(\"%s_v%d_rw\")");
        }
        return role;
    }

    /** SELECT read AS "field", ... FROM from; never ends inside a {@code --} comment. */
    static String select(EntityDefinition entity) {
        List<String> columns = new ArrayList<>();
        for (FieldDefinition field : entity.fields().values()) {
            columns.add("       " + readSql(field.read()) + " AS " + SqlIdentifier.of(field.name()).quoted());
        }
        String from = entity.from().contains("--") ? entity.from() + "\n" : entity.from();
        return "SELECT " + String.join(",\n", columns).strip() + "\n  FROM " + from;
    }

    /** The read as written, with a newline after a trailing {@code --} comment so {@code AS} stays code. */
    static String readSql(String read) {
        return SqlExpression.parse(read).render(name -> ":" + name);
    }

    private static String dropOtherViews(SqlIdentifier schema, Set<String> keep) {
        String names = keep.stream().map(SqlLiteral::of).collect(Collectors.joining(", "));
        return SqlTemplate.fill("""
                DO $$
                DECLARE
                    stale record;
                BEGIN
                    FOR stale IN SELECT c.relname FROM pg_catalog.pg_class c
                                   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                                  WHERE n.nspname = ${schema} AND c.relkind = 'v'
                                    AND c.relname <> ALL (ARRAY[${keep}]::text[])
                    LOOP
                        EXECUTE pg_catalog.format('DROP VIEW %I.%I', ${schema}, stale.relname);
                    END LOOP;
                    -- the generated trigger and own-state functions are recreated with their views (CASCADE drops the triggers and views)
                    FOR stale IN SELECT p.oid::pg_catalog.regprocedure::text AS fn FROM pg_catalog.pg_proc p
                                   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                                  WHERE n.nspname = ${schema}
                    LOOP
                        EXECUTE 'DROP FUNCTION ' || stale.fn || ' CASCADE';
                    END LOOP;
                END
                $$""", Map.of("schema", SqlLiteral.of(schema.name()), "keep", names));
    }

    private static String createRole(SqlIdentifier role) {
        return SqlTemplate.fill("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${name}) THEN
                        CREATE ROLE ${role} NOLOGIN;
                    END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN
                    NULL; -- created meanwhile by a concurrent migration (roles are cluster-wide)
                END
                $$""", Map.of("name", SqlLiteral.of(role.name()), "role", role.quoted()));
    }

    /**
     * The role's grants on what it shares with other versions: Tandem's schema, the journal, its functions and role
     * views; the key sequences where they are now (a grant follows its object through a move), and their schemas
     * where they will be ({@code move}), since the write triggers reach them by name.
     */
    private static List<String> sharedGrants(SqlIdentifier role, Set<KeySequences.Sequence> seqs, PendingMove move) {
        String to = " TO " + role.quoted();
        List<String> sql = new ArrayList<>(List.of(
                "GRANT USAGE ON SCHEMA " + TandemSchema.SCHEMA + to,
                "GRANT INSERT (" + WRITER_COLUMNS + ") ON " + JOURNAL + to,
                // the journal's insert trigger allocates seq as the inserting role (Tandem schema V6)
                "GRANT USAGE ON SEQUENCE " + JOURNAL + "_seq_seq" + to,
                "GRANT EXECUTE ON FUNCTION " + APPEND + to,
                // the optimistic-lock step of a versioned entity's trigger (Tandem schema V7)
                "GRANT EXECUTE ON FUNCTION " + OptimisticLock.LOCK_KEY + to,
                "GRANT EXECUTE ON FUNCTION " + OptimisticLock.UNAPPLIED_CHANGE + to,
                // what the Hibernate boot check and a Fence read, each row only for the role's own app or version
                // (Tandem schema V10)
                "GRANT SELECT ON " + String.join(", ", ROLE_VIEWS) + to));
        Set<String> sequenceSchemas = new LinkedHashSet<>();
        seqs.forEach(s -> sequenceSchemas.add(move.named(s).quotedSchema()));
        sequenceSchemas.forEach(s -> sql.add("GRANT USAGE ON SCHEMA " + s + to));
        seqs.forEach(s -> sql.add("GRANT USAGE ON SEQUENCE " + s.quoted() + to));
        return sql;
    }

    /**
     * Registers the role as the writer of (app, version) for the journal's row-level security policy (installed once
     * by Tandem's V4 migration). Data, not DDL: no lock on the journal, so writers never wait for a release.
     */
    private static List<String> policy(SqlIdentifier role, String app, int version) {
        return List.of("INSERT INTO tandem.version_roles (role, app, version) VALUES (" + SqlLiteral.of(role.name()) + ", "
                + SqlLiteral.of(app) + ", " + version + ") ON CONFLICT (role) DO UPDATE SET app = excluded.app,"
                + " version = excluded.version");
    }

    private static String dropRole(SqlIdentifier role) {
        return SqlTemplate.fill("""
                DO $$
                DECLARE
                    r oid := (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ${name});
                    granted record;
                BEGIN
                    IF r IS NULL THEN
                        RETURN;
                    END IF;
                    FOR granted IN
                        SELECT DISTINCT CASE c.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || c.oid::pg_catalog.regclass::text AS object
                          FROM pg_catalog.pg_class c
                         WHERE EXISTS (SELECT FROM pg_catalog.aclexplode(c.relacl) a WHERE a.grantee = r)
                            OR EXISTS (SELECT FROM pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
                                        WHERE att.attrelid = c.oid AND a.grantee = r)
                        UNION
                        SELECT 'SCHEMA ' || pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n
                         WHERE EXISTS (SELECT FROM pg_catalog.aclexplode(n.nspacl) a WHERE a.grantee = r)
                        UNION
                        SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
                               || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p
                         WHERE EXISTS (SELECT FROM pg_catalog.aclexplode(p.proacl) a WHERE a.grantee = r)
                    LOOP
                        EXECUTE 'REVOKE ALL ON ' || granted.object || ' FROM ' || ${roleLiteral};
                    END LOOP;
                    BEGIN
                        DROP ROLE ${role};
                    EXCEPTION WHEN dependent_objects_still_exist THEN
                        RAISE NOTICE 'role % is kept: it still holds privileges or objects in another database',
                            ${name};
                    END;
                END
                $$""", Map.of("name", SqlLiteral.of(role.name()), "roleLiteral", SqlLiteral.of(role.quoted()),
                "role", role.quoted()));
    }
}
