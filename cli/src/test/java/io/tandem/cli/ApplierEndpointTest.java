package io.tandem.cli;

import io.tandem.core.db.ApplierState;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** /metrics' leader gauge reads 1 only while the process applies (or a release holds it), never halted or stopped. */
class ApplierEndpointTest {

    @Test
    void theLeaderGaugeIsOneOnlyWhileApplying() {
        Map<ApplierState, Double> expected = new EnumMap<>(Map.of(ApplierState.STANDBY, 0.0,
                ApplierState.RUNNING, 1.0, ApplierState.PAUSED, 1.0, ApplierState.HALTED, 0.0,
                ApplierState.STOPPED, 0.0));
        for (ApplierState state : ApplierState.values()) {
            assertEquals(expected.get(state), ApplierEndpoint.leaderGauge(state), state.name());
        }
    }
}
