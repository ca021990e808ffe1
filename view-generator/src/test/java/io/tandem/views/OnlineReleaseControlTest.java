package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.ReleasePhase;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * What can go wrong with an online release, and how it is steered: refused before anything is built, a build
 * whose migration fails, pause and abort during the copy, a revert that cannot be made, and finish. After each, the
 * live schema is exactly as it was (or, after finish, as released) and nothing of the release is left behind.
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineReleaseControlTest {
    private static final int ROWS = 4_000;

    @TempDir
    static Path dir;
    private static Applier applier;

    @BeforeAll
    static void release1(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, ROWS);
        applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
    }

    @AfterAll
    static void stop() {
        applier.close();
    }

    @Test
    @Order(1)
    void whatCannotBeBuiltBesideIsRefusedBeforeAnythingIsBuilt(TestDatabase db) throws Exception {
        Path folder = ReleaseFixture.shop(dir, "unbuildable");
        Files.writeString(folder.resolve("migrations/V3__unbuildable.sql"), """
                UPDATE public.customer SET email = lower(email);
                CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(t) $$;
                """);
        Release release = Release.load(folder);
        Migrator.PlannedRelease plan = new Migrator(db.dataSource()).plan(release);
        assertTrue(plan.online(), "V2 rewrites customer");
        String refusals = String.join("\n", plan.plan().refusals());
        assertTrue(refusals.contains("V3__unbuildable.sql:1: names public.customer with its schema"), refusals);
        assertTrue(refusals.contains("V3__unbuildable.sql:2: CREATE FUNCTION cannot be built beside"), refusals);
        MigrationRefusedException e = assertThrows(MigrationRefusedException.class,
                () -> new Migrator(db.dataSource()).migrate(release));
        assertTrue(e.getMessage().contains("--in-place"), e.getMessage());
        assertNothingLeft(db);
    }

    @Test
    @Order(2)
    void aBuildWhoseMigrationFailsIsAbortedAndTheLiveSchemaStays(TestDatabase db) throws Exception {
        Release broken = Release.load(ReleaseFixture.withFixture(dir, "broken-v3"));
        TandemException e = assertThrows(TandemException.class, () -> new Migrator(db.dataSource()).migrate(broken));
        assertTrue(e.getMessage().contains("failed on its build") && e.getMessage().contains("first_name_is_an_initial"),
                e.getMessage());
        assertTrue(e.getMessage().contains("migrations/V3__fails_halfway.sql:5: ERROR: check constraint"),
                "names the script and the line of the statement that failed: " + e.getMessage());
        assertNothingLeft(db);
    }

    @Test
    @Order(3)
    void pauseHoldsTheCopyAndAbortDropsTheBuild(TestDatabase db) throws Exception {
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<MigrationReport> release = CompletableFuture.supplyAsync(() -> new Migrator(db.newPool(10))
                .copyRowsPerSecond(ROWS / 4).progress(progress::add).migrate(Release.load(MigrateTest.RELEASE_2)));
        ReleaseControl control = new ReleaseControl(db.dataSource());
        Await.until("the release is copying", () -> control.status("shop")
                .map(s -> s.release().phase() == ReleasePhase.COPYING).orElse(false));
        assertTrue(control.status("shop").orElseThrow().drivenBy().startsWith("held by session "),
                "the running migrate drives it");
        control.pause("shop");
        Await.until("the copy waits while paused", () -> List.copyOf(progress).stream()
                .anyMatch(l -> l.contains("copy waits: the release is paused")));
        control.resume("shop");
        control.abort("shop");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> release.get(60, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("aborted"), failed.getCause().getMessage());
        assertNothingLeft(db);
    }

    /**
     * The copy yields while the live applier is behind; when nobody applies, its line says to start an applier, and
     * when the applier halted the release fails at once, resumable, instead of waiting for an operator in silence.
     */
    @Test
    @Order(4)
    void aCopyWaitingForAnUnattendedApplierSaysSoAndAHaltedOneFailsTheRelease(TestDatabase db) throws Exception {
        applier.close();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed) VALUES ('shop', 1,"
                    + " 'customer', 'update', '{\"id\": 1}', '{\"email\": \"ada@waiting.example\"}', '{email}')");
        }
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<MigrationReport> release = CompletableFuture.supplyAsync(() -> new Migrator(db.newPool(10))
                .maxLag(Duration.ofMillis(1)).progress(progress::add).migrate(Release.load(MigrateTest.RELEASE_2)));
        Await.until("the copy waits, saying nobody applies", () -> List.copyOf(progress).stream().anyMatch(l ->
                l.startsWith("copy waits: the live applier is ") && l.endsWith(" ms), and no applier leads app shop:"
                        + " start one (tandem applier --app shop)")));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE tandem.applier_state SET state = 'halted', halted_reason = 'a test halts it'"
                    + " WHERE app = 'shop'");
        }
        ExecutionException failed = assertThrows(ExecutionException.class, () -> release.get(60, TimeUnit.SECONDS));
        String message = failed.getCause().getMessage();
        assertTrue(message.startsWith("The release of app 'shop' cannot copy on: the live applier is halted (a test"
                + " halts it) and 1 row(s) wait") && message.contains("the same tandem migrate resumes the release"),
                message);
        ReleaseControl control = new ReleaseControl(db.dataSource());
        ReleaseControl.Status left = control.status("shop").orElseThrow();
        assertEquals(ReleasePhase.COPYING, left.release().phase(), "resumable");
        assertTrue(left.stranded() && left.drivenBy() == null, "no migrate drives it now: " + left);
        control.abort("shop");
        applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
        Await.until("the waiting write is applied", () -> "ada@waiting.example".equals(
                OnlineReleaseTest.text(db, "SELECT email FROM customer WHERE id = 1")));
        assertNothingLeft(db);
    }

    @Test
    @Order(5)
    void aRevertNeedsAMappingForTheNewVersionThenFinishKeepsTheRelease(TestDatabase db) throws Exception {
        Path folder = ReleaseFixture.shop(dir, "no-previous-mapping");
        Files.delete(folder.resolve("versions/previous/v2.yaml"));
        Files.delete(folder.resolve("versions/previous"));
        MigrationReport report = new Migrator(db.newPool(10)).migrate(Release.load(folder));
        assertEquals("online", report.mode());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed) VALUES ('shop', 2,"
                    + " 'customer', 'update', '{\"id\": 1}', '{\"phone\": \"+1 555 0100\"}', '{phone}')");
        }
        ReleaseControl control = new ReleaseControl(db.dataSource());
        Await.until("the previous tables cannot follow version 2", () -> control.status("shop")
                .map(s -> s.release().state() == ApplierState.HALTED).orElse(false));
        String reason = control.status("shop").orElseThrow().release().haltedReason();
        assertTrue(reason.contains("versions/previous/v<N>.yaml") && reason.contains("can no longer be reverted"),
                reason);
        TandemException refused = assertThrows(TandemException.class, () -> control.revert("shop"));
        assertTrue(refused.getMessage().contains("Cannot revert"), refused.getMessage());
        assertEquals("+1 555 0100", OnlineReleaseTest.text(db, "SELECT phone FROM customer WHERE id = 1"),
                "the live tables went on");

        control.finish("shop");
        assertFalse(OnlineReleaseTest.exists(db, "SELECT 1 FROM pg_namespace WHERE nspname LIKE 'tandem\\_%\\_shop'"));
        assertEquals(0, count(db, "SELECT count(*) FROM tandem.releases"));
        TandemException none = assertThrows(TandemException.class, () -> control.revert("shop"));
        assertTrue(none.getMessage().contains("no online release in progress"), none.getMessage());
        assertEquals(ROWS, count(db, "SELECT count(*) FROM shop_v2.customer"));
    }

    /** No release row, no build or previous schema, and the live customer table still as release 1 left it. */
    private static void assertNothingLeft(TestDatabase db) throws Exception {
        assertEquals(0, count(db, "SELECT count(*) FROM tandem.releases"), "no release in progress");
        assertFalse(OnlineReleaseTest.exists(db, "SELECT 1 FROM pg_namespace WHERE nspname LIKE 'tandem\\_%\\_shop'"),
                "no build schema left");
        assertEquals("full_name", OnlineReleaseTest.text(db, "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = 'customer' AND column_name = 'full_name'"));
        assertEquals(1, count(db, "SELECT count(*) FROM flyway_schema_history WHERE success"), "history unchanged");
        assertEquals(ROWS, count(db, "SELECT count(*) FROM shop_v1.customer"));
    }
}
