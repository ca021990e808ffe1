package io.tandem.examples.counters;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.ShopApp;
import io.tandem.orm.hibernate.TandemMappingException;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import jakarta.persistence.OptimisticLockException;
import org.hibernate.Session;
import org.hibernate.StaleStateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code @Version} works for real (docs/hibernate.md): a stale version fails with Hibernate's optimistic-lock
 * exception whether the concurrent commit is applied yet or not, in async and in fenced mode, and concurrent
 * increments with retry lose no update. A {@code @Version} the definition does not declare fails boot.
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OptimisticLockTest {
    private static final int THREADS = 4;
    private static final int INCREMENTS = 50;
    private static final long SEED = 20261129L;

    private static TestDatabase database;
    private static Applier applier;
    private static Counters fenced;
    private static Counters async;
    private static long id;

    /** The counters app's login: a member of counters_v1_app only, as in production. */
    private static TestDatabase.Login login;

    /** The counters app, in the given consistency mode. */
    static final class Counters extends ShopApp {
        Counters(TestDatabase db, String consistency, Class<?>... entities) {
            super(1, db.jdbcUrl(), login.user(), login.password(), Map.of("tandem.app", "counters", "pool.size", "5",
                    "tandem.consistency", consistency), entities);
        }
    }

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        database = db;
        new Migrator(db.dataSource()).migrate(Release.load(Path.of("src/test/resources/counters")));
        login = db.createLogin("app", "counters_v1_app");
        applier = startApplier();
        fenced = new Counters(db, "fenced", Counter.class);
        async = new Counters(db, "async", Counter.class);
        id = fenced.inTransaction(s -> {
            Counter c = new Counter();
            s.persist(c);
            return c.id;
        });
    }

    @AfterAll
    static void stop() {
        async.close();
        fenced.close();
        applier.close();
    }

    @Test
    @Order(1)
    void aStaleUpdateFailsWhileTheConcurrentCommitIsNotAppliedYet() throws Exception {
        applier.close();   // nothing is applied until (b) restarts it
        long journaled = journalRows();
        try (Session a = async.sessionFactory().openSession(); Session b = async.sessionFactory().openSession()) {
            a.beginTransaction();
            b.beginTransaction();
            Counter inA = a.find(Counter.class, id);
            Counter inB = b.find(Counter.class, id);
            assertEquals(0, inA.version);
            assertEquals(0, inB.version);
            inA.n++;
            a.getTransaction().commit();
            assertEquals("0", physical("SELECT version FROM counter WHERE id = " + id), "A is not applied");

            inB.n += 10;
            RuntimeException e = assertThrows(RuntimeException.class, () -> b.getTransaction().commit());
            assertTrue(isOptimisticLockFailure(e), "not an optimistic-lock failure: " + e);
        }
        assertEquals(journaled + 1, journalRows(), "A's update only: B journaled nothing");
    }

    @Test
    @Order(2)
    void afterTheApplierAppliedAFreshLoadUpdatesAndTheVersionIncrements() throws Exception {
        applier = startApplier();
        awaitApplied();
        assertEquals("1:1", physical("SELECT n || ':' || version FROM counter WHERE id = " + id));
        fenced.inTransactionDo(s -> {
            Counter c = s.find(Counter.class, id);
            assertEquals(1, c.version);
            c.n++;
        });
        assertEquals("2:2", physical("SELECT n || ':' || version FROM counter WHERE id = " + id),
                "fenced: applied at commit");
    }

    @Test
    @Order(3)
    void aStaleUpdateAfterTheConcurrentCommitWasAppliedFailsToo() throws Exception {
        try (Session stale = fenced.sessionFactory().openSession()) {
            stale.beginTransaction();
            Counter old = stale.find(Counter.class, id);
            fenced.inTransactionDo(s -> s.find(Counter.class, id).n++);
            assertEquals("3", physical("SELECT version FROM counter WHERE id = " + id), "applied");
            old.n = 100;
            RuntimeException e = assertThrows(RuntimeException.class, () -> stale.getTransaction().commit());
            assertTrue(isOptimisticLockFailure(e), "not an optimistic-lock failure: " + e);
        }
        assertEquals("3:3", physical("SELECT n || ':' || version FROM counter WHERE id = " + id));
    }

    @Test
    @Order(4)
    void concurrentIncrementsWithRetryLoseNoUpdate() throws Exception {
        int before = Integer.parseInt(physical("SELECT n FROM counter WHERE id = " + id));
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(SEED + t);
            Counters app = t % 2 == 0 ? async : fenced;
            done.add(pool.submit(() -> increment(app, random, conflicts)));
        }
        int successes = 0;
        for (Future<Integer> f : done) {
            successes += f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        awaitApplied();
        assertEquals(THREADS * INCREMENTS, successes);
        assertEquals(Integer.toString(before + successes), physical("SELECT n FROM counter WHERE id = " + id),
                "every successful increment counted once (" + conflicts + " optimistic-lock retries)");
        assertEquals(Integer.toString(3 + successes), physical("SELECT version FROM counter WHERE id = " + id));
    }

    @Test
    @Order(5)
    void aVersionAttributeTheDefinitionDoesNotDeclareFailsBoot() {
        TandemMappingException e = assertThrows(TandemMappingException.class,
                () -> new Counters(database, "async", Counter.class, Tally.class).close());
        assertEquals(1, e.problems().size(), e.getMessage());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith(Tally.class.getName() + ".version: @Version maps column version but counters"
                + " v1 entity tally ("), problem);
        assertTrue(problem.contains("declares no version_field") && problem.contains("versions/v1.yaml")
                && problem.contains("add `version_field: version` under entities.tally"), problem);
    }

    /** {@value #INCREMENTS} increments, each retried on an optimistic-lock failure; returns how many succeeded. */
    private static int increment(Counters app, Random random, AtomicInteger conflicts) throws InterruptedException {
        int successes = 0;
        while (successes < INCREMENTS) {
            try {
                app.inTransactionDo(s -> s.find(Counter.class, id).n++);
                successes++;
            } catch (RuntimeException e) {
                if (!isOptimisticLockFailure(e)) {
                    throw e;
                }
                conflicts.incrementAndGet();
                Thread.sleep(random.nextInt(5));
            }
        }
        return successes;
    }

    private static boolean isOptimisticLockFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
                return true;
            }
        }
        return false;
    }

    private static Applier startApplier() {
        return Applier.start(new ApplierConfig(database.newPool(3), "counters"));
    }

    private static void awaitApplied() throws Exception {
        try (Connection c = database.connect()) {
            Await.until("the applier catches up", () -> TrackRow.live("counters").backlog(c, null).rows() == 0);
        }
    }

    private static long journalRows() throws SQLException {
        return Long.parseLong(physical("SELECT count(*) FROM tandem.journal WHERE app = 'counters'"));
    }

    private static String physical(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
