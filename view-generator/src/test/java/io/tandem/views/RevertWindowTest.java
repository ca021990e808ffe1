package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.TrackKind;
import io.tandem.core.TandemException;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.tandem.views.OnlineReleaseTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A revert holds the live applier only for the release track's last rows: while the track is further behind than
 * its window, the revert waits holding nothing, and it gives up, nothing changed, when no applier leads the track.
 */
@PostgresTest
class RevertWindowTest {
    private static final int BEHIND = 500;

    @Test
    void aRevertWaitsForTheReleaseTrackWithoutHoldingTheLiveApplier(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, 1_000);
        try (Applier both = Applier.start(new ApplierConfig(db.newPool(8), "shop"))) {
            assertEquals("online", new Migrator(db.newPool(10)).migrate(Release.load(MigrateTest.RELEASE_2)).mode());
        }
        ReleaseControl control = new ReleaseControl(db.dataSource());
        try (Applier live = Applier.start(new ApplierConfig(db.newPool(4), "shop").tracks(EnumSet.of(TrackKind.LIVE)))) {
            renameCustomers(db);
            Await.until("the live applier has applied the updates and the release track is " + BEHIND + " behind",
                    () -> control.status("shop").map(s -> s.behind() == BEHIND).orElse(false));

            List<String> progress = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<SwitchTime> revert = CompletableFuture.supplyAsync(() -> new ReleaseControl(
                    db.dataSource()).idleTrackWait(Duration.ofSeconds(10)).progress(progress::add).revert("shop"));
            Await.until("the revert waits for the release track", () -> List.copyOf(progress).stream()
                    .anyMatch(l -> l.startsWith("Revert waits for the release track: " + BEHIND + " row(s) behind")));
            assertFalse(revert.isDone());
            assertLiveApplierNotHeld(db);
            assertFalse(revert.isDone(), "the live applier was free while the revert still waited");

            ExecutionException gaveUp = assertThrows(ExecutionException.class, () -> revert.get(60, TimeUnit.SECONDS));
            String message = gaveUp.getCause().getMessage();
            assertTrue(message.contains("no applier has run it for 10000 ms") && message.contains("Start one (tandem"
                    + " applier --app shop") && message.contains("Nothing changed"), message);
            assertEquals(ReleasePhase.SWITCHED, control.status("shop").orElseThrow().release().phase());

            try (Applier track = Applier.start(new ApplierConfig(db.newPool(4), "shop")
                    .tracks(EnumSet.of(TrackKind.RELEASE)))) {
                control.revert("shop");
            }
        }
        assertTrue(control.status("shop").isEmpty(), "reverted");
        assertEquals(BEHIND, count(db, "SELECT count(*) FROM customer WHERE full_name LIKE '% (reverted)'"),
                "the previous tables, switched back in, hold the writes made while the track was not running");
    }

    /** Version 1 renames {@link #BEHIND} customers in one transaction, straight into the journal, as the owner. */
    private static void renameCustomers(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed)"
                    + " SELECT 'shop', 1, 'customer', 'update', jsonb_build_object('id', i),"
                    + " jsonb_build_object('full_name', 'Customer ' || i || ' (reverted)'), '{full_name}'"
                    + " FROM generate_series(1, " + BEHIND + ") i");
        }
    }

    /**
     * Nobody holds the live applier's state row for long: it is taken within 200 ms (the idle live applier takes it
     * for milliseconds at most; a switch try holds it while it waits for the track).
     */
    private static void assertLiveApplierNotHeld(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL lock_timeout = '200ms'");
            s.execute("SELECT 1 FROM tandem.applier_state WHERE app = 'shop' FOR UPDATE");
            c.rollback();
        }
    }
}
