package io.tandem.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.orm.hibernate.TandemObserver;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The meters record what the integration reports; with no registry, no row is counted for nothing. */
class TandemMetricsTest {
    @Test
    void commitsAndFenceWaitsBecomeMeters() {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        beans.addBean("registry", registry);
        TandemMetrics metrics = new TandemMetrics(beans.getBeanProvider(MeterRegistry.class));
        assertTrue(metrics.countsRows());
        metrics.committed("shop", 1, 3);
        metrics.committed("shop", 1, 2);
        metrics.fenced("shop", 1, Duration.ofMillis(40), TandemObserver.FenceEnd.APPLIED);
        metrics.fenced("shop", 1, Duration.ofSeconds(2), TandemObserver.FenceEnd.TIMED_OUT);
        assertEquals(5.0, registry.get(TandemMetrics.ROWS_WRITTEN).tags("app", "shop", "version", "1").counter().count());
        assertEquals(1, registry.get(TandemMetrics.FENCE_WAIT).tag("outcome", "applied").timer().count());
        assertEquals(1.0, registry.get(TandemMetrics.FENCE_TIMEOUTS).counter().count());
    }

    @Test
    void withoutARegistryNoRowIsCounted() {
        TandemMetrics metrics = new TandemMetrics(new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
        assertFalse(metrics.countsRows(), "the integration skips its row count");
        metrics.committed("shop", 1, 0); // and recording is a no-op
    }
}
