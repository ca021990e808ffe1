package io.tandem.views;

import java.util.List;

/**
 * What {@link Migrator#migrate} did.
 *
 * @param app               the app released
 * @param mode              {@code online} (built beside, then switched) or {@code in-place}
 * @param migrationsApplied the Flyway migrations applied, e.g. {@code ["2 split name"]}
 * @param versions          the live versions after the release
 * @param pauseMillis       how long the applier was held at a batch boundary (in place: the migration transaction;
 *                          online: the switch, including the wait for the build's last journal rows)
 * @param switchMillis      how long the views were held (in place: the whole migration; online: the switch's
 *                          catalog work) — the longest a reader or writer through the views waited for the release
 * @param attempts          tries it took (more than 1 when a lock_timeout made it retry)
 * @param totalMillis       wall time of the whole release step
 * @param copiedRows        rows an online release copied into its build (0 in place, or when resumed after the copy)
 * @param copyRowsPerSecond the copy's rate
 * @param caughtUpRows      journal rows the build was caught up with after the copy
 * @param quietWaitMillis   how long an online switch waited, holding nothing, for app transactions that held the
 *                          views to end (its quiet moment; at most {@link Migrator#quietWait}); 0 in place
 */
public record MigrationReport(String app, String mode, List<String> migrationsApplied, List<Integer> versions,
                              long pauseMillis, long switchMillis, int attempts, long totalMillis, long copiedRows,
                              double copyRowsPerSecond, long caughtUpRows, long quietWaitMillis) {
}
