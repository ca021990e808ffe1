package io.tandem.applier;

import io.tandem.core.db.ApplierState;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exactly once, commit-consistent, and per-key order (docs/architecture.md) under concurrency: 8 writers update random keys
 * of a 20-key space in transactions of 1–5 rows while an applier with 7-row slices runs; some transactions roll
 * back, some allocate their seq long before they commit. The physical rows must end equal to a model that the
 * same writer transactions updated directly, each committed transaction applied exactly once and atomically, no
 * rolled-back one at all. Seeded; each case writes until its writers have committed {@value #TRANSACTIONS}
 * transactions (among them rolled-back and long-held ones), however long that takes on the machine.
 */
@PostgresTest
class RandomizedConcurrencyTest {
    private static final int KEYS = 20;
    private static final int TRANSACTIONS = 200;
    private static final AtomicInteger CASES = new AtomicInteger();
    private static VersionDefinition v1;

    @BeforeAll
    static void install(TestDatabase db) throws Exception {
        v1 = AcctFixture.install(db);
    }

    static Stream<Arguments> cases() {
        return Stream.of(11L, 42L, 20240229L).flatMap(seed -> Stream.of(Workload.Path.values())
                .map(path -> Arguments.of(seed, path)));
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("cases")
    void lastCommitWinsExactlyOnceAtomically(long seed, Workload.Path path, TestDatabase db) throws Exception {
        int n = CASES.incrementAndGet();
        DataSource writers = db.newPool(10);
        Workload load = new Workload(writers, v1, path, seed, "c" + n, n * 1000L, KEYS);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(4), "acct").sliceRows(7))) {
            load.createKeys();
            load.start(8);
            load.awaitCommitted(TRANSACTIONS);
            load.stop();
            Workload.awaitDrained(writers);
            assertEquals(ApplierState.RUNNING, applier.state());
        }
        System.out.println("seed " + seed + ", " + path + ": " + load.summary());
        load.assertMeaningful(TRANSACTIONS);
        load.verify(writers);
    }
}
