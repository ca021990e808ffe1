package io.tandem.demo;

import io.tandem.core.Fence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures commit → applied lag on a sample of the writes (one in {@value #EVERY}) without slowing the writers:
 * they hand over (txid, commit time) and two probe threads wait on a {@link Fence} for each.
 */
final class LagProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagProbe.class);
    private static final int EVERY = 10;

    private record Sample(long txid, long committedNanos, PhaseMeter meter) {
    }

    private final Fence fence;
    private final BlockingQueue<Sample> samples = new ArrayBlockingQueue<>(2_000);
    private final AtomicLong offered = new AtomicLong();
    private final Thread[] probes = new Thread[2];
    private volatile boolean closed;

    LagProbe(Fence fence) {
        this.fence = fence;
        for (int i = 0; i < probes.length; i++) {
            probes[i] = new Thread(this::probe, "demo-lag-probe-" + i);
            probes[i].setDaemon(true);
            probes[i].start();
        }
    }

    void offer(long txid, long committedNanos, PhaseMeter meter) {
        if (offered.incrementAndGet() % EVERY == 0) {
            samples.offer(new Sample(txid, committedNanos, meter)); // dropped if the probes fall behind
        }
    }

    private void probe() {
        while (!closed) {
            try {
                Sample s = samples.poll(100, TimeUnit.MILLISECONDS);
                if (s != null && fence.await("shop", s.txid, Duration.ofSeconds(30)) == Fence.Outcome.APPLIED) {
                    s.meter.lag((System.nanoTime() - s.committedNanos) / 1_000_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("Lag probe: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (Thread t : probes) {
            t.join(5_000);
        }
    }
}
