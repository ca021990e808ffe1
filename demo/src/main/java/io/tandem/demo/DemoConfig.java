package io.tandem.demo;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run the demo.
 *
 * @param schemas  the folder holding {@code shop/} (release 2) and {@code releases/1/shop/} (release 1)
 * @param jdbcUrl  a server to run on (a fresh database is created there and dropped after), or {@code null} for an
 *                 embedded PostgreSQL started and removed by the demo
 * @param user     user for {@code jdbcUrl}, or null
 * @param password password for {@code jdbcUrl}, or null
 * @param rows     customers seeded at release 1
 * @param writers  writer threads per app version
 * @param phase    how long each writing phase lasts
 * @param sabotage test-only: drop one applied row before the final comparison, which must then report it lost
 */
public record DemoConfig(Path schemas, String jdbcUrl, String user, String password, int rows, int writers,
                         Duration phase, boolean sabotage) {

    public DemoConfig {
        if (rows < 10) {
            throw new IllegalArgumentException("--rows must be at least 10, got " + rows);
        }
        if (writers < 1) {
            throw new IllegalArgumentException("--writers must be at least 1, got " + writers);
        }
        if (phase.isNegative() || phase.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, got " + phase);
        }
    }
}
