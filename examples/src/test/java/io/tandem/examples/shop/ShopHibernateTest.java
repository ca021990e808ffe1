package io.tandem.examples.shop;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.examples.shop.v2.ShopV2;
import io.tandem.orm.hibernate.TandemMappingException;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example shop, v1 and v2 side by side through Hibernate on release 2, with the applier running: writes land
 * in the journal through the views' triggers, fenced commits are visible to the other version, a transaction sees
 * its own writes, per-key order holds, and a mapping that does not match fails boot.
 */
@PostgresTest
class ShopHibernateTest {
    private static Applier applier;
    private static ShopV1 v1;
    private static ShopV2 v2;
    /** The apps' logins, as in production: members of the generated shop_v1_app and shop_v2_app, nothing else. */
    private static TestDatabase.Login appV1;
    private static TestDatabase.Login appV2;

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(Path.of("../schemas/shop")));
        applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
        appV1 = db.createLogin("app_v1", "shop_v1_app");
        appV2 = db.createLogin("app_v2", "shop_v2_app");
        v1 = ShopV1.open(db.jdbcUrl(), appV1.user(), appV1.password());
        v2 = ShopV2.open(db.jdbcUrl(), appV2.user(), appV2.password());
    }

    @AfterAll
    static void stop() throws Exception {
        v1.close();
        v2.close();
        applier.close();
    }

    @Test
    void eachFencedCommitIsSeenByTheOtherVersion(TestDatabase db) throws Exception {
        long ada = v1.createCustomer("Ada Lovelace", "ada@example.com");
        io.tandem.examples.shop.v2.Customer seen = v2.find(ada).orElseThrow();
        assertEquals("Ada|Lovelace|null", seen.getFirstName() + "|" + seen.getLastName() + "|" + seen.getPhone());

        assertTrue(v2.changePhone(ada, "+44 1"));
        assertTrue(v1.rename(ada, "Ada King"));
        io.tandem.examples.shop.v2.Customer renamed = v2.find(ada).orElseThrow();
        assertEquals("Ada|King|+44 1", renamed.getFirstName() + "|" + renamed.getLastName() + "|" + renamed.getPhone(),
                "v1's rename did not clobber the phone v1 does not know");

        long order = v2.placeOrder(ada, new BigDecimal("12.50"));
        assertEquals(new BigDecimal("12.50"), v1.inTransaction(s -> s.find(io.tandem.examples.shop.v1.Order.class,
                order).getTotal()));

        // merge of a detached entity
        io.tandem.examples.shop.v1.Customer detached = v1.find(ada).orElseThrow();
        detached.setEmail("ada@merged.example");
        v1.inTransactionDo(s -> s.merge(detached));
        assertEquals("ada@merged.example", v2.find(ada).orElseThrow().getEmail());
        assertEquals("ada@merged.example", physical(db, "SELECT email FROM customer WHERE id = " + ada));

        assertTrue(v2.delete(ada));
        assertTrue(v1.find(ada).isEmpty());
        assertEquals("0", physical(db, "SELECT count(*) FROM customer WHERE id = " + ada));
    }

    @Test
    void bothVersionsWriteConcurrently(TestDatabase db) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> a = pool.submit(() -> {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    long id = v1.createCustomer("One Person" + i, "one" + i + "@example.com");
                    v1.rename(id, "Uno Person" + i);
                    ids.add(id);
                }
                return ids;
            });
            Future<List<Long>> b = pool.submit(() -> {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    long id = v2.createCustomer("Two", "Person" + i, "two" + i + "@example.com", "+1 " + i);
                    v2.placeOrder(id, BigDecimal.TEN);
                    ids.add(id);
                }
                return ids;
            });
            for (long id : a.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS)) {
                assertEquals("Uno", v2.find(id).orElseThrow().getFirstName());
            }
            for (long id : b.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS)) {
                long orders = v1.inTransaction(s -> s.createSelectionQuery(
                        "select count(o) from Order o where o.customer.id = :id", Long.class)
                        .setParameter("id", id).getSingleResult());
                assertEquals(1L, orders);
                assertTrue(v1.find(id).orElseThrow().getFullName().startsWith("Two Person"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTransactionSeesItsOwnWritesAndOthersSeeThemOnlyAfterCommit(TestDatabase db) throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> {
            try {
                written.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
                return v2.inTransaction(s -> countByEmail(s, "own@example.com"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                looked.countDown();
            }
        });
        long id = v1.inTransaction(s -> {
            var c = new io.tandem.examples.shop.v1.Customer("Own Writes", "own@example.com");
            s.persist(c);
            // JPQL (auto-flushes), Criteria count and a native query all see the new row
            assertEquals(1, s.createSelectionQuery("from Customer c where c.email = 'own@example.com'",
                    io.tandem.examples.shop.v1.Customer.class).getResultList().size());
            CriteriaBuilder cb = s.getCriteriaBuilder();
            CriteriaQuery<Long> q = cb.createQuery(Long.class);
            Root<io.tandem.examples.shop.v1.Customer> root = q.from(io.tandem.examples.shop.v1.Customer.class);
            q.select(cb.count(root)).where(cb.equal(root.get("email"), "own@example.com"));
            assertEquals(1L, s.createQuery(q).getSingleResult());
            assertEquals("Own Writes", s.createNativeQuery("SELECT full_name FROM shop_v1.customer WHERE email ="
                    + " 'own@example.com'", String.class).getSingleResult());
            written.countDown();
            await(looked);
            // update then query
            c.setFullName("Own Updated");
            // the JPQL query auto-flushes the update (a native query alone would not: Hibernate's own rule, Tandem
            // or not), then both read it back through the view
            assertEquals(1L, s.createSelectionQuery("select count(c) from Customer c where c.fullName = 'Own Updated'",
                    Long.class).getSingleResult());
            assertEquals("Own Updated", s.createNativeQuery("SELECT full_name FROM shop_v1.customer WHERE id = "
                    + c.getId(), String.class).getSingleResult());
            return c.getId();
        });
        assertEquals(0L, other.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS), "another transaction saw an uncommitted write");
        assertEquals("Own Updated", physical(db, "SELECT first_name || ' ' || last_name FROM customer WHERE id = " + id),
                "fenced: applied when commit returned");
        assertEquals("Own", v2.find(id).orElseThrow().getFirstName());

        v1.inTransactionDo(s -> {
            s.remove(s.find(io.tandem.examples.shop.v1.Customer.class, id));
            assertEquals(0L, countByEmailV1(s, "own@example.com"), "delete then query");
            assertEquals(0, s.createNativeQuery("SELECT id FROM shop_v1.customer WHERE id = " + id, Long.class)
                    .getResultList().size());
            try {
                assertEquals("1", physical(db, "SELECT count(*) FROM customer WHERE id = " + id),
                        "not applied before commit");
                long seenByOthers = CompletableFuture.supplyAsync(() -> v2.inTransaction(o -> countByEmail(o,
                        "own@example.com"))).get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
                assertEquals(1L, seenByOthers, "others still see the row");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(v2.find(id).isEmpty());
    }

    @Test
    void aTransactionReadsThePlainViewsUntilItWrites() {
        String before = v1.inTransaction(ShopHibernateTest::firstSchema);
        assertEquals("shop_v1_plain", before, "a transaction that has not written reads the plain views");
        v1.inTransactionDo(s -> {
            assertEquals("shop_v1_plain", firstSchema(s));
            var c = new io.tandem.examples.shop.v1.Customer("Plain Until Written", "plain@example.com");
            s.persist(c); // IDENTITY: the INSERT runs now, through the plain view's trigger
            assertEquals("shop_v1", firstSchema(s), "after its first write the transaction reads the overlay");
            assertEquals("Plain Until Written", s.createNativeQuery("SELECT full_name FROM customer WHERE id = "
                    + c.getId(), String.class).getSingleResult(), "an unqualified native query sees the own write");
        });
        assertEquals("shop_v1_plain", v1.inTransaction(ShopHibernateTest::firstSchema),
                "the switch ends with the transaction");
    }

    @Test
    void theSqlATransactionRunsAfterItsFirstWriteHasItsOwnText() {
        String mark = "/* tandem: after own writes */";
        v1.inTransactionDo(s -> {
            assertFalse(sentText(s).startsWith(mark), "before the first write: " + sentText(s));
            s.persist(new io.tandem.examples.shop.v1.Customer("Marked After", "marked@example.com"));
            assertTrue(sentText(s).startsWith(mark), "after the first write: " + sentText(s));
        });
        v1.inTransactionDo(s -> assertFalse(sentText(s).startsWith(mark), "the next transaction: " + sentText(s)));
        assertThrows(IllegalStateException.class, () -> v1.inTransactionDo(s -> {
            s.persist(new io.tandem.examples.shop.v1.Customer("Rolled Back", "rolled-back@example.com"));
            throw new IllegalStateException("roll back");
        }));
        v1.inTransactionDo(s -> assertFalse(sentText(s).startsWith(mark), "after a rollback: " + sentText(s)));
    }

    @Test
    void anInspectorTheAppSetIsAskedFirstAndAsyncCommitsAreMarkedToo(TestDatabase db) {
        try (ShopV1 app = ShopV1.open(db.jdbcUrl(), appV1.user(), appV1.password(), Map.of("pool.size", "2",
                "tandem.consistency", "async",
                "hibernate.session_factory.statement_inspector", AppComment.class.getName()))) {
            app.inTransactionDo(s -> {
                assertTrue(sentText(s).startsWith("/* app */ SELECT"), sentText(s));
                s.persist(new io.tandem.examples.shop.v1.Customer("Inspected Twice", "inspected@example.com"));
                assertTrue(sentText(s).startsWith("/* tandem: after own writes */ /* app */ SELECT"), sentText(s));
            });
            app.inTransactionDo(s -> assertTrue(sentText(s).startsWith("/* app */ SELECT"), sentText(s)));
        }
    }

    @Test
    void aSessionThatWroteIsForgottenOnceClosed() throws Exception {
        java.lang.ref.WeakReference<Session> written = writeInASessionAndCloseIt();
        Await.until("the closed session collected", () -> {
            System.gc();
            return written.get() == null;
        });
    }

    /** In a method of its own, so that no slot of the test's frame keeps the session. */
    private static java.lang.ref.WeakReference<Session> writeInASessionAndCloseIt() {
        try (Session s = v1.sessionFactory().openSession()) {
            s.beginTransaction(); // Session.inTransaction is 7.x only
            s.persist(new io.tandem.examples.shop.v1.Customer("Forgotten", "forgotten@example.com"));
            s.getTransaction().commit();
            return new java.lang.ref.WeakReference<>(s);
        }
    }

    /** An app's own statement inspector, named by class in the Hibernate settings. */
    public static final class AppComment implements org.hibernate.resource.jdbc.spi.StatementInspector {
        @Override
        public String inspect(String sql) {
            return "/* app */ " + sql;
        }
    }

    /** The text of the statement that asks, as the server received it. */
    private static String sentText(Session s) {
        return s.createNativeQuery("SELECT pg_catalog.current_query()", String.class).getSingleResult();
    }

    private static String firstSchema(Session s) {
        return s.createNativeQuery("SELECT (pg_catalog.current_schemas(false))[1]", String.class).getSingleResult();
    }

    @Test
    void repeatedFlushesWriteOneJournalRowPerChange(TestDatabase db) throws Exception {
        long id = v1.inTransaction(s -> {
            var c = new io.tandem.examples.shop.v1.Customer("Flush Flusher", "flush@example.com");
            s.persist(c);
            s.flush();
            c.setEmail("flush2@example.com");
            s.flush();
            s.flush();
            s.createSelectionQuery("from Customer", io.tandem.examples.shop.v1.Customer.class).getResultList();
            s.flush();
            return c.getId();
        });
        assertEquals("insert,update", physical(db, "SELECT string_agg(op, ',' ORDER BY seq) FROM tandem.journal"
                + " WHERE entity = 'customer' AND key = '{\"id\": " + id + "}'"));
        assertEquals("{email}", physical(db, "SELECT changed::text FROM tandem.journal WHERE op = 'update'"
                + " AND key = '{\"id\": " + id + "}'"));
        assertEquals("flush2@example.com", physical(db, "SELECT email FROM customer WHERE id = " + id));
    }

    /**
     * A transaction that loaded a row before another one changed it updates only what it changed itself: Tandem
     * makes every entity's UPDATE dynamic, so a stale column is never sent back to overwrite the newer write.
     */
    @Test
    void anUpdateAfterAStaleLoadDoesNotOverwriteWhatItDidNotChange(TestDatabase db) throws Exception {
        long id = v1.createCustomer("Stale Loader", "stale@example.com");
        assertTrue(v1.sessionFactory().unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class)
                .getMappingMetamodel().getEntityDescriptor(io.tandem.examples.shop.v1.Customer.class)
                .getEntityMetamodel().isDynamicUpdate()); // EntityPersister.isDynamicUpdate() is 7.x only
        v1.inTransactionDo(s -> {
            var stale = s.find(io.tandem.examples.shop.v1.Customer.class, id);
            assertTrue(v1.rename(id, "Fresh Name")); // another transaction, fenced: applied before it returns
            stale.setEmail("stale2@example.com");
        });
        assertEquals("Fresh|Name|stale2@example.com", physical(db, "SELECT first_name || '|' || last_name || '|' || email"
                + " FROM customer WHERE id = " + id));
    }

    /**
     * A StatelessSession's writes are journaled by the triggers; on Hibernate 7.x its commits are fenced too (20 in a
     * row). On 6.6 its entity events carry no session (HHH-19737, fixed in 7.2), so its commits are not fenced: the
     * rows arrive once the applier gets to them (docs/hibernate.md, "Versions of Hibernate").
     */
    @Test
    void aStatelessSessionsWritesAreJournaledAndOn7xFenced(TestDatabase db) throws Exception {
        boolean fenced = !org.hibernate.Version.getVersionString().startsWith("6.");
        for (int i = 0; i < 20; i++) {
            long id;
            try (org.hibernate.StatelessSession s = v1.sessionFactory().openStatelessSession()) {
                var tx = s.beginTransaction();
                var c = new io.tandem.examples.shop.v1.Customer("Stateless Writer" + i, "stateless" + i + "@example.com");
                s.insert(c);
                id = c.getId();
                tx.commit();
            }
            String sql = "SELECT email FROM customer WHERE id = " + id;
            if (!fenced) {
                long written = id;
                Await.until("stateless insert " + id + " applied", () -> physicalCount(db, written) > 0);
            }
            assertEquals("stateless" + i + "@example.com", physical(db, sql),
                    fenced ? "the commit returned before the applier applied it" : "never applied");
        }
    }

    private static long physicalCount(TestDatabase db, long id) throws SQLException {
        return Long.parseLong(physical(db, "SELECT count(*) FROM customer WHERE id = " + id));
    }

    /**
     * Per-key order through Hibernate, 1000 rounds (docs/journal-format.md, "Ordering per key"): in each, two
     * threads' transactions update one customer interleaved ({@link KeyRace}: the later one is seen waiting on the
     * key's journal lock before the first commits), and the physical row ends with the later commit's value. Each
     * round has its own customer, so one check after the applier has applied everything proves every round. The
     * commits are not fenced ({@code async}): a fence would only add a wait for the applier per commit, and the
     * applier then sees both transactions of a round in one batch, where their order is all it has to go by. Seeded: which thread commits later is the same each run.
     */
    @Test
    void theLaterCommitWinsPerKey(TestDatabase db) throws Exception {
        int rounds = 1000;
        List<Long> ids = insertCustomers(db, rounds);
        awaitApplied(db);
        Random random = new Random(5);
        try (ShopV1 async = ShopV1.open(db.jdbcUrl(), appV1.user(), appV1.password(),
                Map.of("tandem.consistency", "async"));
             KeyRace race = new KeyRace(async, db.connect())) {
            for (int round = 0; round < rounds; round++) {
                race.run(ids.get(round), "First R" + round, "Later R" + round, random.nextBoolean());
            }
        }
        awaitApplied(db);
        List<String> wrong = new ArrayList<>();
        Map<Long, String> names = physicalNames(db, ids);
        for (int round = 0; round < rounds; round++) {
            if (!("Later R" + round).equals(names.get(ids.get(round)))) {
                wrong.add("round " + round + ": " + names.get(ids.get(round)));
            }
        }
        assertEquals(List.of(), wrong, "rounds whose physical row does not hold the later commit's value");
    }

    /** {@code count} customers written in one statement through v1's view (journaled by its trigger). */
    private static List<Long> insertCustomers(TestDatabase db, int count) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.connect(appV1); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("INSERT INTO shop_v1.customer (full_name, email) SELECT 'Race Start',"
                     + " 'race' || n || '@example.com' FROM generate_series(1, " + count + ") n RETURNING id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Waits until the applier has applied every committed journal row of the shop. */
    private static void awaitApplied(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            Await.until("the applier catches up", () -> TrackRow.live("shop").backlog(c, null).rows() == 0);
        }
    }

    private static Map<Long, String> physicalNames(TestDatabase db, List<Long> ids) throws SQLException {
        Map<Long, String> names = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT id, first_name || ' ' || last_name FROM customer WHERE id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return names;
    }

    @Test
    void aMappingThatDoesNotMatchTheVersionFailsBootNamingEntityAndProperty(TestDatabase db) {
        TandemMappingException e = assertThrows(TandemMappingException.class, () -> new BadShop(db, 2,
                io.tandem.examples.shop.v1.Customer.class, io.tandem.examples.shop.v1.Order.class));
        assertTrue(e.getMessage().contains("shop version 2"), e.getMessage());
        assertTrue(e.problems().contains("io.tandem.examples.shop.v1.Customer.fullName: column full_name is not a field"
                + " of shop v2 entity customer (fields: id, first_name, last_name, email, phone)"), e.getMessage());
        assertTrue(e.problems().contains("io.tandem.examples.shop.v1.Customer: field phone of shop v2 entity customer"
                + " is not mapped (an insert would journal it as null); map it"), e.getMessage());
        assertTrue(e.getMessage().contains("field first_name of shop v2 entity customer is not mapped"), e.getMessage());
    }

    @Test
    void whatTandemCannotCarryFailsBootWithAClearMessage(TestDatabase db) {
        TandemMappingException e = assertThrows(TandemMappingException.class,
                () -> new BadShop(db, 1, SequenceCustomer.class));
        assertTrue(e.getMessage().contains("io.tandem.examples.shop.SequenceCustomer.id: the id sequence"
                + " customer_id_seq names no schema outside the version's views, which hold no sequences"),
                e.getMessage());
        assertFalse(e.getMessage().contains("is not a field"), e.getMessage());
        TandemMappingException pastTheViews = assertThrows(TandemMappingException.class,
                () -> new BadShop(db, 1, Map.of("hibernate.default_schema", "public"),
                        io.tandem.examples.shop.v1.Customer.class));
        assertTrue(pastTheViews.getMessage().contains("hibernate.default_schema=public would send Hibernate's SQL"
                + " past the version's views"), pastTheViews.getMessage());
        io.tandem.core.TandemException notLive = assertThrows(io.tandem.core.TandemException.class,
                () -> new BadShop(db, 7, io.tandem.examples.shop.v1.Customer.class));
        assertTrue(notLive.getMessage().contains("shop version 7 is not live in tandem.versions (live: 1, 2)"),
                notLive.getMessage());
    }

    /**
     * The boot check reads the version's definition as the app's login: a member of shop_v1_app reads version 1's
     * and nothing else, so booting version 2 with it says which role the login lacks.
     */
    @Test
    void aLoginThatIsNotAMemberOfTheVersionsRoleFailsBootNamingTheRole(TestDatabase db) throws Exception {
        io.tandem.core.TandemException e = assertThrows(io.tandem.core.TandemException.class,
                () -> new BadShop(db, appV1, 2, Map.of(), io.tandem.examples.shop.v2.Customer.class,
                        io.tandem.examples.shop.v2.Order.class));
        assertTrue(e.getMessage().contains("shop version 2 is live, but the login " + appV1.user()
                + " is not a member of its role shop_v2_app") && e.getMessage().contains("GRANT shop_v2_app TO "
                + appV1.user()), e.getMessage());
        try (Connection c = db.connect(appV1); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT string_agg(app || ' v' || version, ', ') FROM tandem.role_versions")) {
            rs.next();
            assertEquals("shop v1", rs.getString(1), "the login reads its own version's definition only");
        }
    }

    /** A shop app with arbitrary entities, for boot failures; connected as the version's login. */
    private static final class BadShop extends ShopApp {
        BadShop(TestDatabase db, int version, Class<?>... entities) {
            this(db, version, Map.of(), entities);
        }

        BadShop(TestDatabase db, int version, Map<String, String> settings, Class<?>... entities) {
            this(db, version == 2 ? appV2 : appV1, version, settings, entities);
        }

        BadShop(TestDatabase db, TestDatabase.Login login, int version, Map<String, String> settings,
                Class<?>... entities) {
            super(version, db.jdbcUrl(), login.user(), login.password(), with(settings, "pool.size", "2"), entities);
        }

        private static Map<String, String> with(Map<String, String> settings, String key, String value) {
            Map<String, String> all = new java.util.HashMap<>(settings);
            all.put(key, value);
            return all;
        }
    }

    private static long countByEmail(Session s, String email) {
        return s.createSelectionQuery("select count(c) from Customer c where c.email = :e", Long.class)
                .setParameter("e", email).getSingleResult();
    }

    private static long countByEmailV1(Session s, String email) {
        return countByEmail(s, email);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS), "timed out waiting for the other thread");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String physical(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    static void assertAbsent(Object o) {
        assertNull(o);
    }
}
