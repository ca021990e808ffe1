package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.TandemException;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.Await;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release step in place (one transaction on the live tables, {@link Migrator.Mode#IN_PLACE}) on one database,
 * release after release: 1, a refused and a failing release 3 (nothing changes), 2, then the harder release 3 (a
 * column moved to a joined table, a NOT NULL column with a default). The online path has its own tests
 * ({@code OnlineReleaseTest}, {@code OnlineReleaseControlTest}).
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrateTest {
    static final Path RELEASE_1 = Path.of("../schemas/releases/1/shop");
    static final Path RELEASE_2 = Path.of("../schemas/shop");
    /** A full release (the benchmarks use it too): customer's email moved to a joined table, a NOT NULL tier. */
    static final Path RELEASE_3 = Path.of("src/test/resources/releases/3/shop");
    @org.junit.jupiter.api.io.TempDir
    static Path fixtures;

    private static Applier applier;
    private static Fence fence;
    private static final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void start(TestDatabase db) {
        MigrationReport first = migrator(db).migrate(Release.load(RELEASE_1));
        assertEquals(List.of("1 init"), first.migrationsApplied());
        applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
        fence = Fence.open(db.newPool(2));
    }

    @AfterAll
    static void stop() throws Exception {
        applier.close();
        fence.close();
    }

    static Migrator migrator(TestDatabase db) {
        return new Migrator(db.dataSource()).mode(Migrator.Mode.IN_PLACE).progress(line -> {
            synchronized (progress) {
                progress.add(line);
            }
        });
    }

    @Test
    @Order(1)
    void release1InstallsTandemTheSchemaAndViews(TestDatabase db) throws Exception {
        long tx = write(db, Release.load(RELEASE_1), List.of(JournalEntry.insert("shop", 1, "customer", Map.of("id", 1L),
                Map.of("id", 1L, "full_name", "Ada Lovelace", "email", "ada@example.com"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET));
        assertEquals("Ada Lovelace|ada@example.com", one(db, "SELECT full_name || '|' || email FROM shop_v1.customer WHERE id = 1"));
        assertTrue(progress.stream().anyMatch(l -> l.contains("held at a batch boundary")), progress.toString());
    }

    @Test
    @Order(2)
    void aFailingMigrationLeavesEverythingAsBeforeAndTheApplierGoesOn(TestDatabase db) throws Exception {
        long generation = generation(db);
        String views = one(db, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.views"
                + " WHERE table_schema LIKE 'shop_v%'");
        Release broken = Release.load(ReleaseFixture.withFixture(fixtures, "broken-v3"));
        TandemException e = assertThrows(TandemException.class, () -> migrator(db).migrate(broken));
        assertTrue(e.getMessage().contains("rolled back whole") && e.getMessage().contains("first_name_is_an_initial"),
                e.getMessage());
        assertEquals("0", one(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customer'"
                + " AND column_name IN ('nickname', 'first_name')"), "V2 and V3 DDL rolled back");
        assertEquals("1", one(db, "SELECT count(*) FROM flyway_schema_history WHERE success"), "history unchanged");
        assertEquals(generation, generation(db), "definitions unchanged");
        assertEquals(views, one(db, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.views"
                + " WHERE table_schema LIKE 'shop_v%'"));
        long tx = write(db, Release.load(RELEASE_1), List.of(JournalEntry.update("shop", 1, "customer", Map.of("id", 1L),
                Map.of("email", "ada@after.example"), List.of("email"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET), "the applier resumed");
    }

    @Test
    @Order(3)
    void aViewStepFailingAfterTheDdlRollsTheDdlBack(TestDatabase db) throws Exception {
        Migrator failing = migrator(db).views(new ViewGenerator((app, version) -> "x".repeat(70)));
        assertThrows(RuntimeException.class, () -> failing.migrate(Release.load(RELEASE_2)));
        assertEquals("0", one(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customer'"
                + " AND column_name = 'first_name'"), "V2's DDL rolled back with the failed view step");
        assertEquals("1", one(db, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        assertEquals("Ada Lovelace", one(db, "SELECT full_name FROM shop_v1.customer WHERE id = 1"));
    }

    @Test
    @Order(4)
    void aLintProblemOrAMissingLiveVersionIsRefusedAndNothingChanges(TestDatabase db) throws Exception {
        MigrationRefusedException e = assertThrows(MigrationRefusedException.class,
                () -> migrator(db).migrate(Release.load(lintProblem())));
        assertTrue(e.getMessage().contains("shop v2 customer.phone"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing changed"), e.getMessage());
        assertEquals("1", one(db, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        Release without = Release.load(withoutV1());
        MigrationRefusedException missing = assertThrows(MigrationRefusedException.class,
                () -> migrator(db).migrate(without));
        assertTrue(missing.getMessage().contains("version 1 of app 'shop' is live but")
                && missing.getMessage().contains("retire it first"), missing.getMessage());
        MigrationRefusedException planned = assertThrows(MigrationRefusedException.class,
                () -> migrator(db).plan(without));
        assertEquals(missing.problems(), planned.problems(), "the plan refuses what the release would");
    }

    @Test
    @Order(5)
    void aLongRunningReaderMakesItRetryThenGiveUpClearly(TestDatabase db) throws Exception {
        try (Connection reader = db.connect()) {
            reader.setAutoCommit(false);
            try (Statement s = reader.createStatement()) {
                s.executeQuery("SELECT count(*) FROM customer").close(); // holds ACCESS SHARE until the end
            }
            java.util.concurrent.CompletableFuture<MigrationReport> release = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> migrator(db).lockTimeout(Duration.ofSeconds(2)).attempts(2)
                            .migrate(Release.load(RELEASE_2)));
            // The release holds the applier and waits for the reader's lock on customer: that, not a time, is when
            // a write makes the applier wait for the release.
            Await.until("the release waits for the reader's lock",
                    () -> "t".equals(one(db, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted"
                            + " AND relation = 'customer'::regclass)")));
            write(db, Release.load(RELEASE_1), List.of(JournalEntry.update("shop", 1, "customer", Map.of("id", 1L),
                    Map.of("email", "ada@held.example"), List.of("email")))); // the applier wants to apply it
            String seen = "";
            boolean pausedInProcess = false;
            while (!release.isDone() && !("paused".equals(seen) && pausedInProcess)) {
                try (Connection c = db.connect()) {
                    seen = io.tandem.applier.ApplierStatus.read(c, "shop").state().sql();
                }
                pausedInProcess |= applier.state() == ApplierState.PAUSED;
            }
            assertEquals("paused", seen, "tandem status shows the applier held by the release in progress");
            assertTrue(pausedInProcess, "the applier itself reports PAUSED while held");
            java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> release.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS));
            TandemException e = (TandemException) failed.getCause();
            assertTrue(e.getMessage().contains("Gave up") && e.getMessage().contains("2 attempt(s)")
                    && e.getMessage().contains("pg_blocking_pids"), e.getMessage());
            reader.rollback();
        }
        assertEquals("1", one(db, "SELECT count(*) FROM flyway_schema_history WHERE success"));
        try (Connection c = db.connect()) {
            assertEquals("running", io.tandem.applier.ApplierStatus.read(c, "shop").state().sql(), "released again");
        }
    }

    @Test
    @Order(6)
    void release2ThenTheHarderRelease3KeepEveryVersionReadingAndWriting(TestDatabase db) throws Exception {
        MigrationReport two = migrator(db).migrate(Release.load(RELEASE_2));
        assertEquals(List.of("2 split name"), two.migrationsApplied());
        assertEquals(List.of(1, 2), two.versions());
        assertEquals("Ada|Lovelace", one(db, "SELECT first_name || '|' || last_name FROM shop_v2.customer WHERE id = 1"));
        Release r2 = Release.load(RELEASE_2);
        long tx = write(db, r2, List.of(
                JournalEntry.update("shop", 2, "customer", Map.of("id", 1L), Map.of("phone", "+44 20"), List.of("phone")),
                JournalEntry.insert("shop", 2, "customer", Map.of("id", 2L), Map.of("id", 2L, "first_name", "Grace",
                        "last_name", "Hopper", "email", "grace@example.com", "phone", "+1 703"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET));
        tx = write(db, r2, List.of(JournalEntry.update("shop", 1, "customer", Map.of("id", 1L),
                Map.of("full_name", "Augusta Ada King"), List.of("full_name"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET));
        assertEquals("Augusta|Ada King|+44 20", one(db, "SELECT first_name || '|' || last_name || '|' || phone"
                + " FROM shop_v2.customer WHERE id = 1"), "v1's rename did not clobber v2's phone");

        MigrationReport three = migrator(db).migrate(Release.load(RELEASE_3));
        assertEquals(List.of("3 contact table"), three.migrationsApplied());
        long generation = generation(db);
        for (Path older : List.of(RELEASE_1, RELEASE_2)) {
            String expected = "The database has migration(s) " + (older == RELEASE_1 ? "2 (split name), " : "")
                    + "3 (contact table) of app 'shop' applied, which " + older.resolve("migrations") + " does not"
                    + " hold: this release folder is older than the database.";
            TandemException plan = assertThrows(TandemException.class, () -> migrator(db).plan(Release.load(older)));
            assertTrue(plan.getMessage().startsWith(expected), plan.getMessage());
            TandemException run = assertThrows(TandemException.class, () -> migrator(db).migrate(Release.load(older)));
            assertTrue(run.getMessage().startsWith(expected) && run.getMessage().endsWith("Nothing changed."),
                    run.getMessage());
        }
        assertEquals(generation, generation(db), "definitions unchanged");
        Release r3 = Release.load(RELEASE_3);
        assertEquals("Grace Hopper|grace@example.com", one(db, "SELECT full_name || '|' || email FROM shop_v1.customer WHERE id = 2"));
        tx = write(db, r3, List.of(JournalEntry.insert("shop", 1, "customer", Map.of("id", 3L),
                Map.of("id", 3L, "full_name", "Alan Turing", "email", "alan@example.com"))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET));
        assertEquals("Alan|Turing|alan@example.com|basic", one(db, "SELECT c.first_name || '|' || c.last_name || '|'"
                + " || cc.email || '|' || c.tier FROM customer c JOIN customer_contact cc ON cc.customer_id = c.id WHERE c.id = 3"),
                "a v1 insert fills both tables; the NOT NULL tier takes its default");
        tx = write(db, r3, List.of(JournalEntry.delete("shop", 2, "customer", Map.of("id", 3L))));
        assertEquals(Fence.Outcome.APPLIED, fence.await("shop", tx, Await.SAFETY_NET));
        assertEquals("0", one(db, "SELECT (SELECT count(*) FROM customer WHERE id = 3) + (SELECT count(*) FROM"
                + " customer_contact WHERE customer_id = 3)"), "a delete goes last item first");
        assertEquals("2", one(db, "SELECT count(*) FROM shop_v1.customer"));
        assertEquals(one(db, "SELECT string_agg(id || full_name, ',' ORDER BY id) FROM shop_v1.customer"),
                one(db, "SELECT string_agg(id || concat_ws(' ', first_name, nullif(last_name, '')), ',' ORDER BY id)"
                        + " FROM shop_v2.customer"), "v1 and v2 agree on every row");
    }

    @Test
    @Order(7)
    void retireRefusesWhileRowsOfTheVersionAreUnappliedThenDropsIt(TestDatabase db) throws Exception {
        applier.close();
        write(db, Release.load(RELEASE_3), List.of(JournalEntry.update("shop", 1, "customer", Map.of("id", 1L),
                Map.of("email", "ada@late.example"), List.of("email"))));
        Retirer retirer = new Retirer(db.dataSource(), new ViewGenerator());
        TandemException busy = assertThrows(TandemException.class, () -> retirer.retire("shop", 1));
        assertTrue(busy.getMessage().contains("1 unapplied journal row(s)"), busy.getMessage());
        applier = Applier.start(new ApplierConfig(db.newPool(8), "shop"));
        Await.until("the late write is applied",
                () -> "ada@late.example".equals(one(db, "SELECT email FROM shop_v1.customer WHERE id = 1")));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS shop_v1_instance");
            s.execute("CREATE ROLE shop_v1_instance LOGIN IN ROLE shop_v1_app");
        }
        try (Connection instance = java.sql.DriverManager.getConnection(db.jdbcUrl(), "shop_v1_instance", "")) {
            TandemException connected = assertThrows(TandemException.class,
                    () -> new Retirer(db.dataSource(), new ViewGenerator()).checkSessions(true).retire("shop", 1));
            assertTrue(connected.getMessage().contains("1 session(s) of role shop_v1_app"), connected.getMessage());
            assertTrue(instance.isValid(1));
        }
        retirer.retire("shop", 1);
        assertEquals("0", one(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'shop_v1'"));
        try (Connection c = db.connect()) {
            assertEquals(List.of(2), VersionRegistry.live(c, "shop").stream().map(v -> v.version()).toList());
        }
        TandemException again = assertThrows(TandemException.class, () -> retirer.retire("shop", 1));
        assertTrue(again.getMessage().contains("not live"), again.getMessage());
        TandemException last = assertThrows(TandemException.class, () -> retirer.retire("shop", 2));
        assertTrue(last.getMessage().startsWith("Version 2 is the last live version of app 'shop'")
                && last.getMessage().endsWith("Nothing changed."), last.getMessage());
        assertEquals("1", one(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'shop_v2'"));
    }

    /** The newest shop release with a v2 that reads a column that does not exist. */
    private static Path lintProblem() {
        Path release = ReleaseFixture.shop(fixtures, "lint-problem");
        io.tandem.testing.TestFiles.replace(release.resolve("versions/v2.yaml"), "read: c.phone", "read: c.fone");
        return release;
    }

    /** The newest shop release without versions/v1.yaml. */
    private static Path withoutV1() throws java.io.IOException {
        Path release = ReleaseFixture.shop(fixtures, "without-v1");
        java.nio.file.Files.delete(release.resolve("versions/v1.yaml"));
        return release;
    }

    private static long write(TestDatabase db, Release release, List<JournalEntry> entries) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new JournalWriter(release.versions()).append(c, entries);
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }

    private static long generation(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            return TrackRow.live("shop").generation(c);
        }
    }

    static String one(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
