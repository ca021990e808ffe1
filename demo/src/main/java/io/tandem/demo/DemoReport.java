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
 * @param findings     the first few differences, in words, and a release that stalled writers
 */
public record DemoReport(List<PhaseReport> phases, long lost, long duplicated, List<String> findings) {
    /** A release that stalls a writer longer than this is not a zero-downtime release. */
    static final long RELEASE_STALL_LIMIT_MS = 1_000;

    /**
     * True when nothing was lost or duplicated, no write or read failed, and the release stalled no writer longer
     * than {@value #RELEASE_STALL_LIMIT_MS} ms.
     */
    public boolean ok() {
        return lost == 0 && duplicated == 0 && errors() == 0 && releaseStallMs() <= RELEASE_STALL_LIMIT_MS;
    }

    /** The longest a writer waited during the release phase. */
    public long releaseStallMs() {
        return phases.stream().filter(p -> p.phase().equals("release")).mapToLong(PhaseReport::maxWriteStallMs)
                .max().orElse(0);
    }

    /** {@code findings} and, when the release stalled a writer too long, a finding that says so. */
    static List<String> withStall(List<PhaseReport> phases, List<String> findings) {
        List<String> all = new ArrayList<>(findings);
        long stall = new DemoReport(phases, 0, 0, List.of()).releaseStallMs();
        if (stall > RELEASE_STALL_LIMIT_MS) {
            all.add("the release stalled a writer for " + stall + " ms (more than " + RELEASE_STALL_LIMIT_MS
                    + " ms): not a zero-downtime release");
        }
        return List.copyOf(all);
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
