package io.tandem.core.db;

import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@PostgresTest
class TandemSchemaTest {

    @Test
    void concurrentInstallersBothSucceedAndInstallOnce(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            assertNull(TandemSchema.installedVersion(c), "nothing installed yet");
        }
        int installers = 4;
        CyclicBarrier start = new CyclicBarrier(installers);
        ExecutorService pool = Executors.newFixedThreadPool(installers);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < installers; i++) {
            // each installer has its own pool, as separate processes would
            DataSource own = db.newPool(3);
            results.add(pool.submit(() -> {
                start.await();
                return TandemSchema.install(own);
            }));
        }
        for (Future<String> r : results) {
            assertEquals(TandemSchema.CURRENT_VERSION, r.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tandem.tandem_schema_history WHERE version = '1'")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "migration 1 ran exactly once");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tandem'"
                    + " AND table_name IN ('journal','versions','applier_state','rejects')")) {
                rs.next();
                assertEquals(4, rs.getInt(1));
            }
        }
        assertEquals(TandemSchema.CURRENT_VERSION, TandemSchema.install(db.dataSource()), "a second install is a no-op");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NULL")) {
            rs.next();
            assertEquals(true, rs.getBoolean(1), "the application's own Flyway history is left alone");
        }
    }

    @Test
    void eachJournalRowTakesOneSeq() throws Exception {
        String name = "schema_seq_per_row";
        try (TestDatabase db = io.tandem.testing.PostgresServer.get().createDatabase(name);
             Connection c = install(db); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("SELECT tandem.append('app', 1, 'thing', 'insert', '{\"id\": " + i + "}', '{}')");
            }
            try (ResultSet rs = s.executeQuery("SELECT max(seq) - min(seq), count(*) FROM tandem.journal")) {
                rs.next();
                assertEquals(2, rs.getLong(1), "three rows, three consecutive seq numbers: one nextval per row");
                assertEquals(3, rs.getLong(2));
            }
        } finally {
            io.tandem.testing.PostgresServer.get().dropDatabase(name);
        }
    }

    /** A database of its own: the other test needs one where nothing is installed yet. */
    private static Connection install(TestDatabase db) throws java.sql.SQLException {
        TandemSchema.install(db.dataSource());
        return db.connect();
    }
}
