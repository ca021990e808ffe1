package io.tandem.views;

import java.util.List;

/**
 * What {@link Migrator#migrate} did.
 *
 * @param app               the app released
 * @param migrationsApplied the Flyway migrations applied, e.g. {@code ["2 split name"]}
 * @param versions          the live versions after the release
 * @param pauseMillis       how long the applier was held at a batch boundary (the migration transaction)
 * @param attempts          tries it took (more than 1 when a lock_timeout made it retry)
 * @param totalMillis       wall time of the whole release step
 */
public record MigrationReport(String app, List<String> migrationsApplied, List<Integer> versions, long pauseMillis,
                              int attempts, long totalMillis) {
}
