package io.tandem.examples.shop;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.v1.Customer;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@link TandemObserver} named by {@code tandem.observer} is told of every commit that wrote through Hibernate —
 * with the number of journal rows it wrote, in async consistency too — and of how each fenced commit's wait ended.
 */
@PostgresTest
class ObserverTest {
    /** Records what it is told; created by the integration from its class name. */
    public static final class Recording implements TandemObserver {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        @Override
        public void committed(String app, int version, long rows) {
            EVENTS.add("committed " + app + " v" + version + " " + rows + " row(s)");
        }

        @Override
        public void fenced(String app, int version, Duration waited, FenceEnd end) {
            EVENTS.add("fenced " + app + " v" + version + " " + end);
        }
    }

    private static TestDatabase.Login app;

    @BeforeAll
    static void release(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(Path.of("../schemas/releases/1/shop")));
        app = db.createLogin("app", "shop_v1_app");
    }

    @BeforeEach
    void forget() {
        Recording.EVENTS.clear();
    }

    @Test
    void asyncCommitsAreCountedInJournalRows(TestDatabase db) {
        try (ShopV1 shop = ShopV1.open(db.jdbcUrl(), app.user(), app.password(), Map.of("tandem.consistency", "async",
                "tandem.observer", Recording.class.getName(), "pool.size", "2"))) {
            shop.createCustomer("Ada Lovelace", "ada@example.com");
            shop.inTransactionDo(s -> {
                Customer grace = new Customer("Grace Hopper", "grace@example.com");
                s.persist(grace);
                s.flush();
                grace.setEmail("grace@example.org");
            });
            shop.findByEmail("nobody@example.com");
            assertEquals(List.of("committed shop v1 1 row(s)", "committed shop v1 2 row(s)"), Recording.EVENTS,
                    "an insert; then an insert and an update of it, two rows; a read-only transaction is not reported");
        }
    }

    @Test
    void fencedCommitsReportTheirWait(TestDatabase db) throws Exception {
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "shop"));
             ShopV1 shop = ShopV1.open(db.jdbcUrl(), app.user(), app.password(), Map.of("tandem.fence-timeout", "60s",
                     "tandem.observer", Recording.class.getName(), "pool.size", "2"))) {
            long id = shop.createCustomer("Grace Hopper", "grace@example.com");
            shop.placeOrder(id, new BigDecimal("12.50"));
            assertEquals(List.of("committed shop v1 1 row(s)", "fenced shop v1 APPLIED",
                    "committed shop v1 1 row(s)", "fenced shop v1 APPLIED"), Recording.EVENTS);
        }
    }
}
