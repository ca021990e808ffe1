package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app login on a database whose {@code public} schema every role may create objects in (PostgreSQL's default
 * before 15, and on every database upgraded from one), where the app's physical tables also live. It plants
 * functions in {@code public} that shadow the built-ins the shop's definitions call ({@code concat_ws},
 * {@code split_part}, {@code substr}, {@code length}) with better-matching argument types, and that, when run as
 * another role, record that role and try to make the login a superuser. Nothing Tandem runs with more rights than the
 * login — the own-writes function behind the views, the applier — may call them; a release generated while they
 * exist is refused, naming them.
 */
@PostgresTest
class SchemaShadowingTest {
    private static TestDatabase.Login attacker;

    @BeforeAll
    static void releaseOnAWritablePublicSchema(TestDatabase db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
        }
        new Migrator(db.dataSource()).mode(Migrator.Mode.IN_PLACE).migrate(Release.load(MigrateTest.RELEASE_2));
        releaseTagging(db);
        attacker = db.createLogin("app", "shop_v1_app");
        try (Connection c = db.connect(attacker); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.ran_as (who name, query text)");
            s.execute("GRANT INSERT ON public.ran_as TO PUBLIC");
            s.execute("""
                    CREATE FUNCTION public.escalate() RETURNS void LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO public.ran_as VALUES (current_user, pg_catalog.current_query());
                        IF current_user <> session_user THEN
                            EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
                        END IF;
                    EXCEPTION WHEN insufficient_privilege THEN
                        NULL;
                    END $$""");
            for (String shadow : List.of(
                    "concat_ws(a text, b text, c text) RETURNS text AS"
                            + " 'SELECT public.escalate(); SELECT pg_catalog.concat_ws(a, b, c)'",
                    "split_part(a varchar, b varchar, n int) RETURNS text AS"
                            + " 'SELECT public.escalate(); SELECT pg_catalog.split_part(a, b, n)'",
                    "split_part(a varchar, b text, n int) RETURNS text AS"
                            + " 'SELECT public.escalate(); SELECT pg_catalog.split_part(a, b, n)'",
                    "substr(a varchar, n int) RETURNS text AS"
                            + " 'SELECT public.escalate(); SELECT pg_catalog.substr(a, n)'",
                    "length(a varchar) RETURNS int AS 'SELECT public.escalate(); SELECT pg_catalog.length(a)'")) {
                s.execute("CREATE FUNCTION public." + shadow + " LANGUAGE sql");
            }
        }
    }

    @Test
    void noShadowRunsWithMoreRightsThanTheLoginThatPlantedIt(TestDatabase db) throws Exception {
        TestDatabase.Login tagger = db.createLogin("tag", "tagging_v1_app");
        try (Connection c = db.connect(attacker); Statement s = c.createStatement()) {
            s.execute("INSERT INTO shop_v1.customer (full_name, email) VALUES ('Mallory Q', 'm@example.com')");
        }
        try (Connection c = db.connect(tagger); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tagging_v1.customer (first_name, last_name, email) VALUES ('T', 'G', 't@example.com')");
        }
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "shop"));
             Applier tagging = Applier.start(new ApplierConfig(db.newPool(4), "tagging"))) {
            Await.until("the applier has applied the login's insert",
                    () -> "Q".equals(owner(db, "SELECT last_name FROM customer WHERE email = 'm@example.com'")));
            Await.until("the tagging applier has applied its insert (through concat_ws)",
                    () -> "T".equals(owner(db, "SELECT first_name FROM customer WHERE email = 't@example.com'")));
        }
        try (Connection c = db.connect(attacker)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE shop_v1.customer SET email = 'm2@example.com' WHERE email = 'm@example.com'");
                try (ResultSet rs = s.executeQuery(
                        "SELECT full_name FROM shop_v1.customer WHERE email = 'm2@example.com'")) {
                    assertTrue(rs.next(), "the transaction reads its own write (through the own-writes function)");
                    assertEquals("Mallory Q", rs.getString(1));
                }
            }
            c.commit();
        }
        assertEquals(List.of(), others(db), "a shadow ran as another role than the login that planted it");
        assertEquals("f", owner(db, "SELECT rolsuper FROM pg_roles WHERE rolname = '" + attacker.user() + "'"));
    }

    @Test
    void aReleaseGeneratedWhileAShadowExistsIsRefusedNamingIt(TestDatabase db) {
        io.tandem.core.TandemException refused = assertThrows(io.tandem.core.TandemException.class,
                () -> Shop.generate(db, new ViewGenerator(), Release.load(MigrateTest.RELEASE_2).version(1)));
        assertTrue(refused.getMessage().contains("public.concat_ws(text, text, text)")
                && refused.getMessage().contains(attacker.user())
                && refused.getMessage().contains("nothing changed"), refused.getMessage());
    }

    /**
     * A second app on the shop's customer table whose write item calls {@code concat_ws}, generated before the
     * shadows were planted.
     */
    private static void releaseTagging(TestDatabase db) throws SQLException {
        VersionDefinition tagging = Shop.definition("""
                app: tagging
                version: 1
                entities:
                  customer:
                    key: [id]
                    from: customer c
                    fields:
                      id:         { type: bigint, read: c.id }
                      first_name: { type: text,   read: c.first_name }
                      last_name:  { type: text,   read: c.last_name }
                      email:      { type: text,   read: c.email }
                    writes:
                      - table: customer
                        key: { id: ":id" }
                        set:
                          first_name: "concat_ws('', :first_name, '')"
                          last_name:  ":last_name"
                          email:      ":email"
                """);
        Shop.generate(db, new ViewGenerator(), tagging);
        try (Connection c = db.connect()) {
            VersionRegistry.save(c, tagging);
        }
    }

    private static List<String> others(TestDatabase db) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT who || ': ' || query FROM public.ran_as WHERE who <> '" + attacker.user()
                     + "'")) {
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
        }
        return roles;
    }

    private static String owner(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
