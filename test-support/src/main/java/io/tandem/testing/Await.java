package io.tandem.testing;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for a state a test needs — observed in the database or in an object — instead of sleeping for a time that
 * a loaded machine may not honour. The only clock is a generous safety net ({@link #SAFETY_NET}, 3 minutes unless
 * {@code -Dtandem.test.await-seconds=N}) that fails a test that would otherwise hang; reaching it is a failure
 * with what was awaited, never a verdict on speed.
 */
public final class Await {
    /** How long any wait may take before the test is failed as hung. */
    public static final Duration SAFETY_NET = Duration.ofSeconds(Long.getLong("tandem.test.await-seconds", 180));

    private Await() {
    }

    /** A condition that may query the database. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns as soon as {@code condition} holds; fails the test, naming {@code what}, if it never does. */
    public static void until(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("never got to: " + what + " (waited " + SAFETY_NET.toSeconds() + " s, the safety net for a hung test)");
            }
            Thread.sleep(10);
        }
    }
}
