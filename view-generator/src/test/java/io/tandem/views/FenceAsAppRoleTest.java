package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.applier.RejectPolicy;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.FenceVisibilityException;
import io.tandem.core.journal.RejectedTransactionException;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link Fence} connected as the app connects in production: a login that is a member of the generated
 * {@code shop_v1_app} and holds nothing else. It sees the journal positions of its own writes, so with the applier
 * stopped it waits (and times out) instead of reporting them applied; it reports applies and rejects; and a fence
 * whose login cannot see the app fails with the reason instead of returning.
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FenceAsAppRoleTest {
    private static TestDatabase.Login app;
    private static Fence fence;

    @BeforeAll
    static void release(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(MigrateTest.RELEASE_1));
        app = db.createLogin("app", "shop_v1_app");
        fence = Fence.open(db.newPool(2, app));
    }

    @AfterAll
    static void close() throws Exception {
        fence.close();
    }

    @Test
    @Order(1)
    void withTheApplierStoppedAFencedWaitTimesOutThenReturnsOnceApplied(TestDatabase db) throws Exception {
        long txid = insertCustomer(db, "Ada Wait", "wait@example.com");
        long started = System.nanoTime();
        assertEquals(Fence.Outcome.TIMED_OUT, fence.await("shop", txid, Duration.ofMillis(800)),
                "no applier runs: the transaction cannot be applied yet");
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(800), "the fence waited");
        assertEquals("0", owner(db, "SELECT count(*) FROM customer WHERE email = 'wait@example.com'"));

        CompletableFuture<Fence.Outcome> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return fence.await("shop", txid, Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(700);
        assertFalse(waiting.isDone(), "a fenced wait returned while no applier was running");
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "shop"))) {
            assertEquals(Fence.Outcome.APPLIED, waiting.get(30, TimeUnit.SECONDS));
            assertEquals("Ada Wait", owner(db, "SELECT full_name FROM customer WHERE email = 'wait@example.com'"),
                    "applied when the fence said so");
            assertEquals(ApplierState.RUNNING, applier.state());
        }
    }

    @Test
    @Order(2)
    void aHaltAndARejectAreReportedToTheAppRole(TestDatabase db) throws Exception {
        long first = insertCustomer(db, "One", "dup@example.com");
        long culprit = insertCustomer(db, "Two", "dup@example.com");
        try (Applier halting = Applier.start(new ApplierConfig(db.newPool(4), "shop").onReject(RejectPolicy.HALT))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("shop", first, Duration.ofSeconds(10)));
            RejectedTransactionException halted = assertThrows(RejectedTransactionException.class,
                    () -> fence.await("shop", culprit, Duration.ofSeconds(10)));
            assertTrue(halted.getMessage().contains("customer_email_key"), halted.getMessage());
        }
        long after = insertCustomer(db, "Three", "after@example.com");
        try (Applier skipping = Applier.start(new ApplierConfig(db.newPool(4), "shop").onReject(RejectPolicy.SKIP))) {
            assertEquals(Fence.Outcome.APPLIED, fence.await("shop", after, Duration.ofSeconds(10)));
            RejectedTransactionException rejected = assertThrows(RejectedTransactionException.class,
                    () -> fence.await("shop", culprit, Duration.ofSeconds(10)));
            assertTrue(rejected.getMessage().contains("moved to tandem.rejects"), rejected.getMessage());
        }
    }

    @Test
    @Order(3)
    void aFenceWhoseLoginCannotSeeTheAppFailsInsteadOfReturning(TestDatabase db) throws Exception {
        long txid = insertCustomer(db, "Seen", "seen@example.com");

        TestDatabase.Login nobody = db.createLogin("nobody");
        try (Fence blind = Fence.open(db.newPool(2, nobody))) {
            FenceVisibilityException e = assertThrows(FenceVisibilityException.class,
                    () -> blind.await("shop", txid, Duration.ofSeconds(2)));
            assertTrue(e.getMessage().contains("permission denied") && e.getMessage().contains("tandem.role_journal")
                    && e.getMessage().contains("member of a version role of shop"), e.getMessage());
        }

        // another app of the same database: the shop's login may not see its journal, so it may not fence on it
        releaseBilling(db);
        long billing;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO billing_v1.customer (full_name, email) VALUES ('Bill', 'bill@example.com')");
            }
            billing = Fence.currentTxid(c);
            c.commit();
        }
        FenceVisibilityException other = assertThrows(FenceVisibilityException.class,
                () -> fence.await("billing", billing, Duration.ofSeconds(2)));
        assertTrue(other.getMessage().contains("is not a member of any of billing's version roles (billing_v1_app)")
                && other.getMessage().contains("GRANT billing_v1_app TO " + app.user()), other.getMessage());
        FenceVisibilityException never = assertThrows(FenceVisibilityException.class,
                () -> fence.await("nosuchapp", billing, Duration.ofSeconds(2)));
        assertTrue(never.getMessage().contains("app nosuchapp has no live version"), never.getMessage());
    }

    @Test
    @Order(4)
    void aTransactionThatJournaledNothingHasNothingToWaitFor(TestDatabase db) throws Exception {
        long txid;
        try (Connection c = db.connect(app)) {
            c.setAutoCommit(false);
            txid = Fence.currentTxid(c); // assigns an id, journals nothing
            c.commit();
        }
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", txid, Duration.ofMillis(100)));
    }

    /** One transaction as the app's login, inserting a customer through v1's view; returns its id. */
    private static long insertCustomer(TestDatabase db, String name, String email) throws SQLException {
        try (Connection c = db.connect(app)) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO shop_v1.customer (full_name, email) VALUES (?, ?)")) {
                s.setString(1, name);
                s.setString(2, email);
                s.execute();
            }
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }

    private static String owner(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /** A second app, {@code billing}, whose version 1 maps the shop's customer table: another app's role and views. */
    private static void releaseBilling(TestDatabase db) throws SQLException {
        VersionDefinition billing = Shop.definition(Shop.v1().source().replace("app: shop", "app: billing"));
        Shop.generate(db, new ViewGenerator(), billing);
        try (Connection c = db.connect()) {
            VersionRegistry.save(c, billing);
        }
    }
}
