package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;
import org.hibernate.resource.jdbc.spi.StatementInspector;

import java.lang.reflect.InvocationTargetException;

/**
 * Gives the SQL a transaction runs after its first write a text of its own, {@value #MARK} in front, so each
 * statement keeps one plan for the plain views and one for the overlay views instead of being planned again at
 * every crossing. Hibernate asks it for every statement it prepares ({@code hibernate.session_factory.statement_inspector});
 * an inspector the app set is asked first.
 *
 * <p>Why: a transaction's first write through the views moves its search_path from the plain views to the views
 * that overlay its own writes, until it ends ({@link SearchPath}). PostgreSQL plans a prepared statement again
 * whenever the search_path differs from the one it was planned under, so an INSERT that a transaction runs before
 * and after its first write — every IDENTITY insert of a transaction that writes several rows — was planned twice
 * per transaction: after the switch, and again at the next transaction's first write. With a text of its own after
 * the switch it is another prepared statement of the driver, planned once for its search_path.
 *
 * <p>Which transaction has written is known on the thread that wrote (Hibernate's post-insert, -update and -delete
 * events, {@link WriteTracker}) until that transaction completes. A wrong guess — a thread that interleaves the
 * transactions of two sessions — costs a plan, never a wrong answer: which views a statement reads is the
 * search_path's doing, not the comment's.
 */
final class OwnWritesMark implements StatementInspector {
    /** The comment in front of a statement run after its transaction's first write. */
    static final String MARK = "/* tandem: after own writes */ ";
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Boolean> written = new ThreadLocal<>();

    private final StatementInspector app;

    /** @param app the app's own inspector, or null */
    OwnWritesMark(StatementInspector app) {
        this.app = app;
    }

    /** The current transaction of this thread has written through the views. */
    static void wrote() {
        written.set(Boolean.TRUE);
    }

    /** The current transaction of this thread has ended. */
    static void ended() {
        written.remove();
    }

    @Override
    public String inspect(String sql) {
        String inspected = app == null ? sql : app.inspect(sql);
        return inspected != null && written.get() != null ? MARK + inspected : inspected;
    }

    /**
     * The inspector to install in front of {@code configured}: the value of Hibernate's setting — null, an
     * inspector, its class, or its class name.
     */
    static OwnWritesMark wrapping(Object configured) {
        if (configured == null || configured instanceof StatementInspector) {
            return new OwnWritesMark((StatementInspector) configured);
        }
        try {
            Class<?> type = configured instanceof Class<?> c ? c
                    : Class.forName(configured.toString().trim(), true, Thread.currentThread().getContextClassLoader());
            Object inspector = type.getConstructor().newInstance();
            if (inspector instanceof StatementInspector i) {
                return new OwnWritesMark(i);
            }
            throw new TandemException("hibernate.session_factory.statement_inspector=" + configured + " is not a "
                    + StatementInspector.class.getName());
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException t ? t.getCause() : e;
            throw new TandemException("hibernate.session_factory.statement_inspector=" + configured + " cannot be"
                    + " created (" + cause + "): give a class with a public no-argument constructor, or an instance",
                    cause);
        }
    }
}
