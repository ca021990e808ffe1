package io.tandem.bench;

import java.nio.file.Path;

/**
 * The sizes and durations of one run: {@link #full()}, {@link #quick()} (under 5 minutes) or {@link #tiny()}
 * (seconds, for the smoke test).
 */
record Params(String mode, Path root,
              double writeSeconds, int writeRounds,
              int[] applierSizes, int applierRounds,
              double lagSeconds, int[] lagRates,
              int migrationRows, int migrationRounds, double migrationCalmSeconds,
              int readCustomers, int readOrders, double readSeconds, int readRounds, int failoverRounds,
              long soakRows) {

    static Params full(Path root) {
        return new Params("full", root, 5, 5, new int[]{100_000, 1_000_000}, 3, 60, new int[]{1000, 2000},
                1_000_000, 3, 3, 100_000, 1_000_000, 3, 5, 7, 20_000_000);
    }

    static Params quick(Path root) {
        return new Params("quick", root, 1, 3, new int[]{100_000}, 2, 10, new int[]{1000, 2000},
                100_000, 1, 2, 20_000, 100_000, 0.7, 3, 3, 1_000_000);
    }

    static Params tiny(Path root) {
        return new Params("tiny", root, 0.2, 2, new int[]{2_000}, 1, 1, new int[]{200},
                2_000, 1, 0.5, 500, 2_000, 0.1, 2, 1, 20_000);
    }

    /** The same with {@code rounds} migration rounds (the table size unchanged). */
    Params withMigrationRounds(int rounds) {
        return new Params(mode, root, writeSeconds, writeRounds, applierSizes, applierRounds, lagSeconds, lagRates,
                migrationRows, rounds, migrationCalmSeconds, readCustomers, readOrders, readSeconds, readRounds,
                failoverRounds, soakRows);
    }

    Path release1() {
        return root.resolve("schemas/releases/1/shop");
    }

    Path release2() {
        return root.resolve("schemas/shop");
    }

    /** A release whose views join (customer_contact), a view-generator test fixture. */
    Path release3() {
        return root.resolve("view-generator/src/test/resources/releases/3/shop");
    }
}
