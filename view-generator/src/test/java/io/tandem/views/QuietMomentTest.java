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
            long pid;
            try (Statement s = open.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT pg_backend_pid() FROM shop_v1.customer LIMIT 1")) { // a long report, still open
                assertTrue(rs.next());
                pid = rs.getLong(1);
            }

            CompletableFuture<MigrationReport> release = CompletableFuture.supplyAsync(() -> new Migrator(
                    db.newPool(10)).progress(progress::add).migrate(Release.load(MigrateTest.RELEASE_2)));
            Await.until("the switch waits for the open transaction", () -> quietReports(progress, pid) > 0);

            try (Connection c = app.getConnection(); Statement s = c.createStatement();
                 Connection owner = db.connect(); Statement locks = owner.createStatement()) {
                s.execute("SET lock_timeout = '1s'"); // behind a switch's lock request a read would wait, and fail
                Await.until("a second report, seconds later, while the app reads and nobody queues", () -> {
                    assertFalse(release.isDone(), () -> "the release ended while the report was open:\n"
                            + String.join("\n", progress));
                    try (ResultSet rs = s.executeQuery("SELECT full_name FROM shop_v1.customer WHERE id = 7")) {
                        assertTrue(rs.next(), "the app reads through the views while the switch waits");
                    }
                    try (ResultSet rs = locks.executeQuery("SELECT count(*) FROM pg_locks l"
                            + " JOIN pg_class r ON r.oid = l.relation JOIN pg_namespace n ON n.oid = r.relnamespace"
                            + " WHERE NOT l.granted AND n.nspname IN ('shop_v1', 'shop_v1_plain', 'public')")) {
                        rs.next();
                        assertEquals(0, rs.getLong(1), "nobody asks for a lock on the views or tables meanwhile");
                    }
                    return quietReports(progress, pid) >= 2; // the switch still waits, seconds later
                });
                assertEquals(1, s.executeUpdate("UPDATE shop_v1.customer SET email = 'quiet@example.com'"
                        + " WHERE id = 7"), "and writes");
            }
            assertFalse(release.isDone());

            open.commit();
            MigrationReport done = release.get(120, TimeUnit.SECONDS);
            assertEquals("online", done.mode());
            assertTrue(done.quietWaitMillis() > 0, () -> "the report says how long the switch waited: " + done);
        }
        assertEquals(ReleasePhase.SWITCHED, new ReleaseControl(db.dataSource()).status("shop").orElseThrow()
                .release().phase());
    }

    /** The switch's reports that it waits for the report transaction, named by its pid. */
    private static long quietReports(List<String> progress, long pid) {
        return List.copyOf(progress).stream().filter(l -> l.startsWith("The switch waits for a quiet moment:"
                + " transaction") && l.contains("(pid " + pid + "; to end it: SELECT pg_terminate_backend(" + pid
                + "))")).count();
    }
}
