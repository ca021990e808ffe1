package io.tandem.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts one phase as it runs: writes per version, errors, worst stalls, and sampled commit → applied lags. */
final class PhaseMeter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PhaseMeter.class);
    final String name;
    private final long startNanos = System.nanoTime();
    private final LongAdder writesV1 = new LongAdder();
    private final LongAdder writesV2 = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong maxWriteNanos = new AtomicLong();
    private final AtomicLong maxReadNanos = new AtomicLong();
    private final List<Long> lagsMillis = Collections.synchronizedList(new ArrayList<>());
    private long pauseMillis;

    PhaseMeter(String name) {
        this.name = name;
    }

    void wrote(int version, long nanos) {
        (version == 1 ? writesV1 : writesV2).increment();
        maxWriteNanos.accumulateAndGet(nanos, Math::max);
    }

    void read(long nanos) {
        maxReadNanos.accumulateAndGet(nanos, Math::max);
    }

    /** Counts a failed write or read; the first few are logged with their cause. */
    void failed(int version, Exception e) {
        errors.increment();
        if (errors.sum() <= 3) {
            log.warn("Phase {}: a version {} operation failed: {}", name, version, e.toString(), e);
        }
    }

    void lag(long millis) {
        lagsMillis.add(millis);
    }

    void pause(long millis) {
        pauseMillis = millis;
    }

    long writes(int version) {
        return (version == 1 ? writesV1 : writesV2).sum();
    }

    long errors() {
        return errors.sum();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    PhaseReport report() {
        List<Long> lags;
        synchronized (lagsMillis) {
            lags = new ArrayList<>(lagsMillis);
        }
        Collections.sort(lags);
        long p99 = lags.isEmpty() ? 0 : lags.get(Math.min(lags.size() - 1, (int) Math.ceil(lags.size() * 0.99) - 1));
        return new PhaseReport(name, seconds(), writesV1.sum() + writesV2.sum(), writesV1.sum(), writesV2.sum(),
                errors.sum(), maxWriteNanos.get() / 1_000_000, maxReadNanos.get() / 1_000_000, p99, pauseMillis);
    }
}
