package io.tandem.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The {@code tandem.*} properties of a Spring Boot app: which app version this instance runs, and how its commits
 * wait for the applier. Tandem is on once {@code tandem.app} and {@code tandem.version} are both set; the starter
 * hands them to Hibernate as the integration's own properties (docs/hibernate.md).
 */
@ConfigurationProperties(prefix = "tandem")
public class TandemProperties {
    /** Whether a commit waits for the applier ({@code fenced}) or returns at once ({@code async}). */
    public enum Consistency { FENCED, ASYNC }

    /** What a fenced commit does when the applier has not applied it within {@code tandem.fence-timeout}. */
    public enum FenceTimeoutAction { WARN, THROW }

    /** The app's name, as in its version definitions (schemas/APP/versions/vN.yaml), e.g. shop. */
    private String app;

    /** The app version this instance runs, e.g. 1: it reads and writes through that version's views. */
    private Integer version;

    /**
     * fenced: a commit that wrote returns once the applier has applied it, so the next transaction, on any
     * instance or version, reads it. async: a commit returns at once and others see it after the applier's lag.
     */
    private Consistency consistency = Consistency.FENCED;

    /** The longest a fenced commit waits for the applier. */
    private Duration fenceTimeout = Duration.ofSeconds(2);

    /**
     * warn: log and return when the fence times out (the write is committed and will be applied). throw: throw
     * FenceTimeoutException instead.
     */
    private FenceTimeoutAction fenceTimeoutAction = FenceTimeoutAction.WARN;

    private final Health health = new Health();

    public String getApp() {
        return app;
    }

    public void setApp(String app) {
        this.app = app;
    }

    public Integer getVersion() {
        return version;
    }

    public void setVersion(Integer version) {
        this.version = version;
    }

    public Consistency getConsistency() {
        return consistency;
    }

    public void setConsistency(Consistency consistency) {
        this.consistency = consistency;
    }

    public Duration getFenceTimeout() {
        return fenceTimeout;
    }

    public void setFenceTimeout(Duration fenceTimeout) {
        this.fenceTimeout = fenceTimeout;
    }

    public FenceTimeoutAction getFenceTimeoutAction() {
        return fenceTimeoutAction;
    }

    public void setFenceTimeoutAction(FenceTimeoutAction fenceTimeoutAction) {
        this.fenceTimeoutAction = fenceTimeoutAction;
    }

    public Health getHealth() {
        return health;
    }

    /** The Actuator health indicator's thresholds ({@code tandem.health.*}). */
    public static class Health {
        /**
         * Health is OUT_OF_SERVICE while the oldest journal row the applier has not applied is older than this:
         * fenced commits wait that long, and readers see data that old.
         */
        private Duration maxLag = Duration.ofSeconds(30);

        public Duration getMaxLag() {
            return maxLag;
        }

        public void setMaxLag(Duration maxLag) {
            this.maxLag = maxLag;
        }
    }
}
