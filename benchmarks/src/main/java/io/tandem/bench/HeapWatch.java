package io.tandem.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Watches this JVM's heap while the applier runs in it: the peak of heap used sampled every 5 ms (garbage
 * included, so bounded by -Xmx), and the peak heap still used right after each garbage collection (the live set:
 * what the applier actually needs).
 */
final class HeapWatch implements AutoCloseable {
    private final Thread sampler;
    private final List<Runnable> removers = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long peakUsed;
    private volatile long peakAfterGc;

    HeapWatch() {
        System.gc();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener listener = (n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long after = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        after += e.getValue().getUsed();
                    }
                    // Only heap pools: non-heap pools (Metaspace, CodeHeap) are excluded by name.
                    long nonHeap = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        String pool = e.getKey();
                        if (pool.contains("Metaspace") || pool.contains("CodeHeap") || pool.contains("Compressed")
                                || pool.contains("Code Cache")) {
                            nonHeap += e.getValue().getUsed();
                        }
                    }
                    long heapAfter = after - nonHeap;
                    if (heapAfter > peakAfterGc) {
                        peakAfterGc = heapAfter;
                    }
                };
                emitter.addNotificationListener(listener, null, null);
                removers.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (Exception ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = new Thread(() -> {
            while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (used > peakUsed) {
                    peakUsed = used;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    double peakUsedMb() {
        return peakUsed / 1048576.0;
    }

    double peakAfterGcMb() {
        return peakAfterGc / 1048576.0;
    }

    static double maxHeapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() / 1048576.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        removers.forEach(Runnable::run);
    }
}
