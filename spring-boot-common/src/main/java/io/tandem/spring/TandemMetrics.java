package io.tandem.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.orm.hibernate.TandemObserver;
import org.springframework.beans.factory.ObjectProvider;

import java.time.Duration;
import java.util.Locale;

/**
 * Records what Tandem's Hibernate integration does as Micrometer meters, tagged with {@code app} and
 * {@code version}:
 * <ul>
 *   <li>{@value #FENCE_WAIT} (timer, tag {@code outcome}: {@code applied}, {@code timed_out}, {@code rejected}): how
 *       long fenced commits waited for the applier;</li>
 *   <li>{@value #FENCE_TIMEOUTS} (counter): fenced commits that returned before the applier had applied them;</li>
 *   <li>{@value #ROWS_WRITTEN} (counter): journal rows written by committed transactions.</li>
 * </ul>
 * The registry is looked up when something is recorded, so the meters appear with the app's first write and the
 * order in which Spring creates the beans does not matter.
 */
public final class TandemMetrics implements TandemObserver {
    public static final String FENCE_WAIT = "tandem.fence.wait";
    public static final String FENCE_TIMEOUTS = "tandem.fence.timeouts";
    public static final String ROWS_WRITTEN = "tandem.journal.rows.written";

    private final ObjectProvider<MeterRegistry> registry;

    public TandemMetrics(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    /** Only while there is a registry to count them in. */
    @Override
    public boolean countsRows() {
        return registry.getIfAvailable() != null;
    }

    @Override
    public void committed(String app, int version, long rows) {
        registry.ifAvailable(r -> Counter.builder(ROWS_WRITTEN).description("Journal rows written by committed transactions")
                .tags("app", app, "version", Integer.toString(version)).register(r).increment(rows));
    }

    @Override
    public void fenced(String app, int version, Duration waited, FenceEnd end) {
        registry.ifAvailable(r -> {
            String v = Integer.toString(version);
            Timer.builder(FENCE_WAIT).description("How long fenced commits waited for the applier")
                    .tags("app", app, "version", v, "outcome", end.name().toLowerCase(Locale.ROOT))
                    .register(r).record(waited);
            if (end == FenceEnd.TIMED_OUT) {
                Counter.builder(FENCE_TIMEOUTS).description("Fenced commits the applier had not applied in time")
                        .tags("app", app, "version", v).register(r).increment();
            }
        });
    }
}
