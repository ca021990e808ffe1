package io.tandem.views;

import io.tandem.views.PlannedStatement.Effect;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the plan reads migrations, without a database: a live schema of {@code customer} and {@code orders}. */
class ReleasePlannerTest {
    private static final Set<String> LIVE = Set.of("customer", "orders");

    private static ReleasePlanner plan(String script) {
        ReleasePlanner planner = new ReleasePlanner("public", new ReleasePlanner.LiveCatalog() {
            @Override
            public String tableOf(String index) {
                return index.equals("orders_customer_id_idx") ? "orders" : null;
            }

            @Override
            public boolean hasTable(String table) {
                return LIVE.contains(table);
            }
        });
        planner.add("V3__test.sql", script);
        return planner;
    }

    private static List<Effect> effects(ReleasePlanner planner) {
        return planner.statements().stream().map(PlannedStatement::effect).toList();
    }

    @Test
    void eachStatementIsReadForTheTableItChangesAndHow() {
        ReleasePlanner p = plan("""
                ALTER TABLE customer ADD COLUMN phone text, ADD COLUMN tier text NOT NULL DEFAULT 'basic';
                UPDATE customer SET phone = '';
                ALTER TABLE customer ALTER COLUMN phone SET NOT NULL;
                ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);
                CREATE INDEX ON orders (status);
                ALTER TABLE orders ADD COLUMN n bigserial;
                ALTER TABLE orders ADD COLUMN at timestamptz DEFAULT now();
                ALTER TABLE orders ADD COLUMN r double precision DEFAULT random();
                -- a comment; and a string with a semicolon: ';'
                COMMENT ON COLUMN customer.phone IS 'a phone; or none';
                """);
        assertEquals(List.of(Effect.METADATA, Effect.FILLS, Effect.SCANS, Effect.REWRITES, Effect.SCANS,
                Effect.REWRITES, Effect.METADATA, Effect.REWRITES, Effect.METADATA), effects(p));
        assertEquals(List.of("customer", "orders"), List.copyOf(p.touched()));
        assertTrue(p.refusals().isEmpty(), p.refusals().toString());
        assertEquals(10, p.statements().get(8).line());
    }

    @Test
    void aStatementIsShownAsTheScriptSpellsIt() {
        ReleasePlanner p = plan("""
                ALTER SEQUENCE customer_id_seq
                    OWNED BY Customer.id;
                create table "Note" (id bigint);
                COMMENT ON TABLE customer IS 'a long comment, long enough to be cut where the plan line ends';
                """);
        assertEquals(List.of("ALTER SEQUENCE customer_id_seq OWNED BY Customer ...", "create table \"Note\" (id bigint ...",
                        "COMMENT ON TABLE customer IS 'a long comment, long enough to be cut where the..."),
                p.statements().stream().map(PlannedStatement::text).toList());
    }

    @Test
    void aTableRebuiltUnderItsOwnNameIsTheLiveTableUntilItIsCreated() {
        ReleasePlanner p = plan("""
                CREATE TABLE customer_new (id bigint PRIMARY KEY, name text);
                INSERT INTO customer_new SELECT id, full_name FROM customer;
                DROP TABLE customer;
                ALTER TABLE customer_new RENAME TO customer;
                """);
        assertEquals(List.of("customer"), List.copyOf(p.touched()), "the live customer is built beside, then dropped");
        assertTrue(p.created().containsAll(Set.of("customer_new", "customer")));
        assertTrue(p.refusals().isEmpty(), p.refusals().toString());
    }

    @Test
    void aForeignKeyToALiveTableBuildsThatTableBesideToo() {
        ReleasePlanner p = plan("CREATE TABLE note (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer (id));");
        assertEquals(List.of("customer"), List.copyOf(p.touched()));
        ReleasePlanner q = plan("ALTER TABLE orders ADD CONSTRAINT o_c FOREIGN KEY (customer_id) REFERENCES customer;");
        assertEquals(Set.of("orders", "customer"), Set.copyOf(q.touched()));
    }

    @Test
    void whatWouldEscapeTheBuildIsRefusedWithFileAndLine() {
        ReleasePlanner p = plan("""
                SET search_path = public;
                UPDATE public.customer SET email = lower(email);
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
                CREATE TABLE orders (id bigint);
                CREATE INDEX CONCURRENTLY o_idx ON orders (id);
                RESET ALL;
                ALTER SEQUENCE customer_id_seq RESTART 1;
                """);
        String refusals = String.join("\n", p.refusals());
        assertTrue(refusals.contains("V3__test.sql:1: changing search_path"), refusals);
        assertTrue(refusals.contains("V3__test.sql:2: names public.customer with its schema"), refusals);
        assertTrue(refusals.contains("V3__test.sql:3: CREATE FUNCTION cannot be built beside"), refusals);
        assertTrue(refusals.contains("V3__test.sql:4: creates table orders, which already exists"), refusals);
        assertTrue(refusals.contains("V3__test.sql:5: CREATE INDEX CONCURRENTLY"), refusals);
        assertTrue(refusals.contains("V3__test.sql:6: changing all"), refusals);
        assertTrue(refusals.contains("V3__test.sql:7: ALTER SEQUENCE of a sequence the live tables use"), refusals);
    }

    @Test
    void anIndexIsFoundOnItsTable() {
        ReleasePlanner p = plan("DROP INDEX orders_customer_id_idx; ALTER INDEX orders_customer_id_idx RENAME TO x;");
        assertEquals(List.of("orders"), List.copyOf(p.touched()));
    }
}
