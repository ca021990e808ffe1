package io.tandem.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's outcome: totals, each phase, and the verification against the model of every acknowledged write.
 *
 * @param lost         expected rows missing, or holding another value, in a view or the physical table
 * @param duplicated   rows present that the model says should not be (deleted, never written, or twice)
 * @param findings     the first few differences, in words
 */
public record DemoReport(List<PhaseReport> phases, long lost, long duplicated, List<String> findings) {

    /** True when nothing was lost or duplicated and no write or read failed. */
    public boolean ok() {
        return lost == 0 && duplicated == 0 && errors() == 0;
    }

    public long writes() {
        return phases.stream().mapToLong(PhaseReport::writes).sum();
    }

    public long errors() {
        return phases.stream().mapToLong(PhaseReport::errors).sum();
    }

    /** The JSON object of {@code tandem demo --json}: totals at the top level, and the same per phase. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok());
        m.put("writes", writes());
        m.put("errors", errors());
        m.put("lost", lost);
        m.put("duplicated", duplicated);
        m.put("max_write_stall_ms", phases.stream().mapToLong(PhaseReport::maxWriteStallMs).max().orElse(0));
        m.put("max_read_stall_ms", phases.stream().mapToLong(PhaseReport::maxReadStallMs).max().orElse(0));
        m.put("lag_p99_ms", phases.stream().mapToLong(PhaseReport::lagP99Ms).max().orElse(0));
        m.put("migration_pause_ms", phases.stream().mapToLong(PhaseReport::migrationPauseMs).sum());
        List<Map<String, Object>> list = new ArrayList<>();
        phases.forEach(p -> list.add(p.toMap()));
        m.put("phases", list);
        m.put("findings", findings);
        return m;
    }
}
