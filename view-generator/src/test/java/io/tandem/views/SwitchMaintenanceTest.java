package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.tandem.views.OnlineReleaseTest.count;
import static io.tandem.views.OnlineReleaseTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A switch (and a revert) that finds maintenance on a table it moves — {@code VACUUM}, {@code ANALYZE}, an
 * autovacuum worker, all holding {@code SHARE UPDATE EXCLUSIVE} — waits for it before it holds anything: while it
 * waits, the app reads and writes through the views and the live applier applies. A session holding that lock
 * stands in for the worker here, since when autovacuum runs cannot be arranged.
 */
@PostgresTest
class SwitchMaintenanceTest {
    private static final int ROWS = 2_000;

    @Test
    void aSwitchWaitsForMaintenanceBeforeItHoldsTheViewsOrTheApplier(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, ROWS);
        TestDatabase.Login app = db.createLogin("app", "shop_v1_app");
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
             Connection maintenance = db.connect()) {
            maintenance.setAutoCommit(false);
            holdLikeVacuum(maintenance, "public.customer");
            CompletableFuture<MigrationReport> release = CompletableFuture.supplyAsync(() ->
                    new Migrator(db.newPool(10)).lockTimeout(Duration.ofMinutes(5)).progress(progress::add)
                            .migrate(Release.load(MigrateTest.RELEASE_2)));
            awaitWaitingFor(db, "public.customer");

            appWritesAndTheApplierApplies(db, app, 1, "while-switching@example.com");
            ReleaseControl control = new ReleaseControl(db.dataSource()).lockTimeout(Duration.ofMinutes(5));
            assertEquals(ReleasePhase.CATCHING_UP, control.status("shop").orElseThrow().release().phase());
            awaitWaitedFor(db, "public.customer"); // long enough for the switch to report the wait

            maintenance.rollback();
            MigrationReport report = release.get(2, TimeUnit.MINUTES);
            assertEquals("online", report.mode());
            assertTrue(progress.stream().anyMatch(l -> l.contains("for maintenance (VACUUM, ANALYZE) to leave")),
                    String.join("\n", progress));
            assertEquals("while-switching@example.com", text(db, "SELECT email FROM shop_v2.customer WHERE id = 1"));
            assertEquals(1, count(db, "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename"
                    + " = 'customer' AND attname = 'first_name'"), "the column the build added has statistics");

            holdLikeVacuum(maintenance, "tandem_previous_shop.customer");
            CompletableFuture<Void> revert = CompletableFuture.runAsync(() -> control.revert("shop"));
            awaitWaitingFor(db, "tandem_previous_shop.customer");
            appWritesAndTheApplierApplies(db, app, 2, "while-reverting@example.com");
            maintenance.rollback();
            revert.get(2, TimeUnit.MINUTES);
            assertEquals("full_name", text(db, "SELECT column_name FROM information_schema.columns WHERE table_schema"
                    + " = 'public' AND table_name = 'customer' AND column_name = 'full_name'"), "reverted");
            assertEquals("while-reverting@example.com", text(db, "SELECT email FROM customer WHERE id = 2"));
            assertEquals(ROWS, count(db, "SELECT count(*) FROM shop_v1.customer"));
        }
    }

    /** Takes the lock VACUUM and autovacuum hold on {@code table}, in {@code c}'s open transaction. */
    private static void holdLikeVacuum(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + table + " IN SHARE UPDATE EXCLUSIVE MODE");
        }
    }

    private static void awaitWaitingFor(TestDatabase db, String table) throws Exception {
        Await.until("a switch waiting for a lock on " + table, () -> count(db, "SELECT count(*) FROM pg_locks"
                + " WHERE NOT granted AND relation = '" + table + "'::regclass") > 0);
    }

    /**
     * Waits until a lock request on {@code table} has waited 200 ms (PostgreSQL 14+ says when it began; on older
     * servers this returns at once).
     */
    private static void awaitWaitedFor(TestDatabase db, String table) throws Exception {
        Await.until("a lock on " + table + " waited for 200 ms", () -> count(db, "SELECT count(*) FROM pg_locks l"
                + " WHERE NOT granted AND relation = '" + table + "'::regclass AND (current_setting("
                + "'server_version_num')::int < 140000 OR (to_jsonb(l) ->> 'waitstart')::timestamptz"
                + " < clock_timestamp() - interval '200 ms')") > 0);
    }

    /**
     * Reads and updates customer {@code id} through version 1's views as the app (a lock it would wait for fails
     * the statement), then waits until the live applier has applied the update.
     */
    private static void appWritesAndTheApplierApplies(TestDatabase db, TestDatabase.Login app, long id, String email)
            throws Exception {
        try (Connection c = db.connect(app); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '10s'");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM shop_v1.customer")) {
                rs.next();
                assertEquals(ROWS, rs.getLong(1));
            }
            assertEquals(1, s.executeUpdate("UPDATE shop_v1.customer SET email = '" + email + "' WHERE id = " + id));
        }
        Await.until("the live applier applying customer " + id + "'s new email", () ->
                email.equals(text(db, "SELECT email FROM customer WHERE id = " + id)));
    }
}
