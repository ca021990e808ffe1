package io.tandem.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one phase of the demo measured.
 *
 * @param phase            {@code v1}, {@code release}, {@code v1+v2}, {@code v2}
 * @param seconds          how long it ran
 * @param writes           acknowledged writes (committed transactions) of either version
 * @param writesV1         of version 1
 * @param writesV2         of version 2
 * @param errors           failed writes and reads
 * @param maxWriteStallMs  slowest write (journal append + commit)
 * @param maxReadStallMs   slowest read through a version's views
 * @param lagP99Ms         99th percentile of commit → applied (visible in every view), sampled
 * @param migrationPauseMs how long the applier was held by the release (the release phase only)
 */
public record PhaseReport(String phase, double seconds, long writes, long writesV1, long writesV2, long errors,
                          long maxWriteStallMs, long maxReadStallMs, long lagP99Ms, long migrationPauseMs) {

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("seconds", Math.round(seconds * 10) / 10.0);
        m.put("writes", writes);
        m.put("writes_v1", writesV1);
        m.put("writes_v2", writesV2);
        m.put("errors", errors);
        m.put("max_write_stall_ms", maxWriteStallMs);
        m.put("max_read_stall_ms", maxReadStallMs);
        m.put("lag_p99_ms", lagP99Ms);
        m.put("migration_pause_ms", migrationPauseMs);
        return m;
    }
}
