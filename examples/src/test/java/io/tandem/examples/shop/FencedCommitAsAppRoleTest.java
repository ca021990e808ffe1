package io.tandem.examples.shop;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.orm.hibernate.FenceTimeoutException;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example shop connected as in production, through a login that is a member of the generated shop_v1_app and
 * nothing else: with no applier running, a fenced commit does not return as if applied. It times out (here with
 * {@code tandem.fence-timeout-action=throw}), or, with a longer timeout, returns only once an applier started and
 * applied it.
 */
@PostgresTest
class FencedCommitAsAppRoleTest {
    private static TestDatabase.Login app;

    @BeforeAll
    static void release(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(Path.of("../schemas/releases/1/shop")));
        app = db.createLogin("app", "shop_v1_app");
    }

    @Test
    void aFencedCommitWaitsForTheApplier(TestDatabase db) throws Exception {
        try (ShopV1 shop = ShopV1.open(db.jdbcUrl(), app.user(), app.password(), Map.of("tandem.fence-timeout", "1s",
                "tandem.fence-timeout-action", "throw", "pool.size", "3"))) {
            FenceTimeoutException e = assertThrows(FenceTimeoutException.class,
                    () -> shop.createCustomer("Ada Early", "early@example.com"));
            assertTrue(e.getMessage().contains("did not apply it within 1000 ms"), e.getMessage());
            assertEquals("0", owner(db, "SELECT count(*) FROM customer"), "nothing can be applied: no applier runs");
        }

        try (ShopV1 shop = ShopV1.open(db.jdbcUrl(), app.user(), app.password(), Map.of("tandem.fence-timeout", "60s",
                "tandem.fence-timeout-action", "throw", "pool.size", "3"))) {
            CompletableFuture<Long> commit = CompletableFuture.supplyAsync(
                    () -> shop.createCustomer("Ada Lovelace", "ada@example.com"));
            Thread.sleep(1500);
            assertFalse(commit.isDone(), "the fenced commit returned while no applier was running");
            try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "shop"))) {
                long id = commit.get(60, TimeUnit.SECONDS);
                assertEquals("Ada Lovelace", owner(db, "SELECT full_name FROM customer WHERE id = " + id),
                        "applied when the commit returned");
                assertEquals("early@example.com", owner(db, "SELECT string_agg(email, ',') FROM customer WHERE id <> "
                        + id), "the commit that timed out is applied too: it was committed");
            }
        }
    }

    private static String owner(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
