package io.tandem.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** The {@code tandem} Actuator health contributor: {@link TandemHealthCheck}'s report, as Spring Boot 3 shows it. */
public final class TandemHealthIndicator implements HealthIndicator {
    private final TandemHealthCheck check;

    public TandemHealthIndicator(TandemHealthCheck check) {
        this.check = check;
    }

    @Override
    public Health health() {
        TandemHealthCheck.Report report = check.check();
        return Health.status(new Status(report.status())).withDetails(report.details()).build();
    }
}
