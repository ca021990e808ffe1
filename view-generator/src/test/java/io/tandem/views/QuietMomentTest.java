package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A switch does not ask for its locks on the views while an app transaction holds them open: it waits, saying which
 * transaction and how to end it, and the rest of the app reads and writes through the views meanwhile; once that
 * transaction ends, the release switches.
 */
@PostgresTest
class QuietMomentTest {

    @Test
    void aSwitchWaitsForAnOpenTransactionOnTheViewsWithoutStoppingTheApp(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, 1_000);
        OnlineReleaseTest.login(db, "quiet_report", "shop_v1_app");
        OnlineReleaseTest.login(db, "quiet_app", "shop_v1_app");
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
             HikariDataSource report = OnlineReleaseTest.pool(db, "quiet_report");
             HikariDataSource app = OnlineReleaseTest.pool(db, "quiet_app");
             Connection open = report.getConnection()) {
            open.setAutoCommit(false);
            try (Statement s = open.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM shop_v1.customer")) { // a long report, still open
                assertTrue(rs.next());
            }

            CompletableFuture<MigrationReport> release = CompletableFuture.supplyAsync(() -> new Migrator(
                    db.newPool(10)).progress(progress::add).migrate(Release.load(MigrateTest.RELEASE_2)));
            Await.until("the switch waits for the open transaction", () -> quietReports(progress) > 0);

            try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '1s'"); // behind a switch's lock request a read would wait, and fail
                while (quietReports(progress) < 2) { // the switch still waits, seconds later
                    try (ResultSet rs = s.executeQuery("SELECT full_name FROM shop_v1.customer WHERE id = 7")) {
                        assertTrue(rs.next(), "the app reads through the views while the switch waits");
                    }
                    Thread.sleep(20);
                }
                assertEquals(1, s.executeUpdate("UPDATE shop_v1.customer SET email = 'quiet@example.com'"
                        + " WHERE id = 7"), "and writes");
            }
            assertFalse(release.isDone());
            assertTrue(new ReleaseControl(db.dataSource()).status("shop").map(st -> st.release().phase()
                    != ReleasePhase.SWITCHED).orElse(true), "not switched while the transaction is open");

            open.commit();
            assertEquals("online", release.get(120, TimeUnit.SECONDS).mode());
        }
        assertEquals(ReleasePhase.SWITCHED, new ReleaseControl(db.dataSource()).status("shop").orElseThrow()
                .release().phase());
    }

    private static long quietReports(List<String> progress) {
        return List.copyOf(progress).stream().filter(l -> l.startsWith("The switch waits for a quiet moment:"
                + " transaction") && l.contains("(to end it: SELECT pg_terminate_backend(")).count();
    }
}
