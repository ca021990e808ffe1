package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static io.tandem.views.OnlineReleaseTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Writes to a table an online release does not rebuild (the shop's release 2 rebuilds customer, not orders) go on
 * through the whole release: the release track has nothing to project for them and passes them by, before the
 * switch and after it, so the release switches and can still be reverted.
 */
@PostgresTest
class UntouchedTableWritesTest {

    @Test
    void aWriteToATableOutsideTheReleaseNeitherHaltsItsTrackNorBlocksTheRevert(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, 100);
        try (Applier both = Applier.start(new ApplierConfig(db.newPool(8), "shop"))) {
            order(db, 1, 1); // before the copy: the release track starts from after it
            MigrationReport report = new Migrator(db.newPool(10)).progress(line -> {
                if (line.startsWith("Build migrated")) {
                    order(db, 2, 1); // the release track projects the journal from the copy on
                }
            }).migrate(Release.load(MigrateTest.RELEASE_2));
            assertEquals("online", report.mode());
            order(db, 3, 2); // after the switch: the previous tables follow, orders are not among them
            ReleaseControl control = new ReleaseControl(db.dataSource());
            Await.until("every order applied", () -> count(db, "SELECT count(*) FROM public.orders") == 3);
            Await.until("the release track caught up", () -> control.status("shop").orElseThrow().behind() == 0);
            assertNull(control.status("shop").orElseThrow().release().haltedReason(), "the release track goes on");
            control.revert("shop");
        }
        assertEquals(3, count(db, "SELECT count(*) FROM shop_v1.orders"), "every order, through the reverted views");
    }

    /** Order {@code id} of customer {@code customer}, journaled as version 1 writes it. */
    private static void order(TestDatabase db, int id, int customer) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data) VALUES ('shop', 1, 'orders',"
                    + " 'insert', '{\"id\": " + id + "}', '{\"id\": " + id + ", \"customer_id\": " + customer + ","
                    + " \"total\": 5, \"status\": \"new\", \"placed_at\": \"2026-11-30T10:00:00Z\"}')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
