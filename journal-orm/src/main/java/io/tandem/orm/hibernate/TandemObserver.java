package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Map;

/**
 * Told what the integration did for a transaction that wrote through Hibernate, e.g. to count it in metrics (the
 * Spring Boot starter records it with Micrometer). Set it as the Hibernate property {@value #PROPERTY}: an instance,
 * or the name of a class with a public no-argument constructor.
 *
 * <p>Both methods are called on the committing thread, after the commit, so they must be quick; what they throw is
 * not caught (the commit has happened either way). With an observer set, a writing transaction costs one journal
 * lookup more before it commits (its row count), in {@code async} consistency too.
 */
public interface TandemObserver {
    /** The Hibernate property naming the observer. */
    String PROPERTY = "tandem.observer";

    /** How a fenced commit's wait for the applier ended. */
    enum FenceEnd {
        /** The applier applied the transaction: every version's views show it. */
        APPLIED,
        /** {@code tandem.fence-timeout} passed first; the transaction is durable in the journal. */
        TIMED_OUT,
        /** The applier rejected the transaction (or halted before it): the commit threw. */
        REJECTED
    }

    /**
     * Whether {@link #committed} wants the number of rows now (default yes): counting them is the one lookup a
     * writing transaction pays for an observer, so one with nowhere to record them may decline.
     */
    default boolean countsRows() {
        return true;
    }

    /**
     * A transaction of {@code app} version {@code version} committed, having journaled {@code rows} rows (0 when
     * {@link #countsRows} declined).
     */
    default void committed(String app, int version, long rows) {
    }

    /** A fenced commit of {@code app} version {@code version} waited {@code waited} for the applier. */
    default void fenced(String app, int version, Duration waited, FenceEnd end) {
    }

    /** The observer Hibernate's {@code properties} name, or {@code null} for none. */
    static TandemObserver from(Map<?, ?> properties) {
        Object value = properties.get(PROPERTY);
        if (value == null || value instanceof TandemObserver) {
            return (TandemObserver) value;
        }
        String name = value.toString().trim();
        try {
            Object observer = Class.forName(name, true, Thread.currentThread().getContextClassLoader())
                    .getConstructor().newInstance();
            if (observer instanceof TandemObserver o) {
                return o;
            }
            throw new TandemException(PROPERTY + "=" + name + " is not a " + TandemObserver.class.getName());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException t ? t.getCause() : e;
            throw new TandemException(PROPERTY + "=" + name + " cannot be created (" + cause
                    + "): give a class with a public no-argument constructor, or an instance", cause);
        }
    }
}
