package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.Release;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.RejectedTransactionException;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Two logins of the same app version: one appends rows the applier must reject — a raw journal row with a key of
 * the wrong type, an update of a field the entity does not have, a customer whose e-mail is taken — between the
 * other's ordinary writes. Under the applier's default policy the bad transactions cost only themselves: each is in
 * {@code tandem.rejects} and its writer's fence says so, and every write of the other login is applied.
 */
@PostgresTest
class PoisonRowTest {

    @Test
    void aLoginsBadRowsNeverStopAnotherLoginsWrites(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(MigrateTest.RELEASE_1));
        TestDatabase.Login alice = db.createLogin("alice", "shop_v1_app");
        TestDatabase.Login mallory = db.createLogin("mallory", "shop_v1_app");
        List<Long> bad = new ArrayList<>();
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "shop"));
             Fence fence = Fence.open(db.newPool(2, alice));
             Fence malloryFence = Fence.open(db.newPool(2, mallory))) {
            long first = write(db, alice, "INSERT INTO shop_v1.customer (full_name, email) VALUES ('Alice', 'a@example.com')");
            bad.add(write(db, mallory, "INSERT INTO tandem.journal (app, app_version, entity, op, key, data)"
                    + " VALUES ('shop', 1, 'customer', 'insert', '{\"id\": \"seven\"}',"
                    + " '{\"id\": \"seven\", \"full_name\": \"M\", \"email\": \"m@example.com\"}')"));
            long second = write(db, alice, "INSERT INTO shop_v1.customer (full_name, email) VALUES ('Bob', 'b@example.com')");
            bad.add(write(db, mallory, "SELECT tandem.append('shop', 1, 'customer', 'update', '{\"id\": 1}',"
                    + " '{\"no_such_field\": 1}', ARRAY['no_such_field'])"));
            bad.add(write(db, mallory, "INSERT INTO shop_v1.customer (full_name, email) VALUES ('Copy', 'a@example.com')"));
            assertEquals(Fence.Outcome.APPLIED, fence.await("shop", first, Duration.ofSeconds(60)));
            assertEquals(Fence.Outcome.APPLIED, fence.await("shop", second, Duration.ofSeconds(60)));
            for (long txid : bad) {
                assertThrows(RejectedTransactionException.class,
                        () -> malloryFence.await("shop", txid, Duration.ofSeconds(60)));
            }
            long third = write(db, alice, "UPDATE shop_v1.customer SET full_name = 'Alice B' WHERE email = 'a@example.com'");
            assertEquals(Fence.Outcome.APPLIED, fence.await("shop", third, Duration.ofSeconds(60)));
            assertEquals(ApplierState.RUNNING, applier.state());
        }
        assertEquals("Alice B|a@example.com,Bob|b@example.com", owner(db,
                "SELECT string_agg(full_name || '|' || email, ',' ORDER BY email) FROM customer"));
        assertEquals(String.valueOf(bad.size()), owner(db, "SELECT count(DISTINCT txid) FROM tandem.rejects"));
    }

    /** One transaction of {@code login} running {@code sql}; returns its transaction id. */
    private static long write(TestDatabase db, TestDatabase.Login login, String sql) throws SQLException {
        try (Connection c = db.connect(login)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }

    private static String owner(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
