package io.tandem.orm.hibernate;

import org.hibernate.boot.registry.selector.spi.StrategySelector;
import org.hibernate.resource.jdbc.spi.StatementInspector;

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

    private final StatementInspector app;

    /** @param app the app's own inspector, or null */
    OwnWritesMark(StatementInspector app) {
        this.app = app;
    }

    @Override
    public String inspect(String sql) {
        String inspected = app == null ? sql : app.inspect(sql);
        String text = inspected != null ? inspected : sql; // null: the app's inspector leaves the SQL as it is
        return WriteTracker.wroteOnThisThread() ? MARK + text : text;
    }

    /**
     * The inspector to install in front of {@code configured}, the value of Hibernate's setting (null, an
     * inspector, its class or its class name, resolved as Hibernate resolves it); {@code configured} itself when it
     * is already this mark (a SessionFactory built twice from one configuration).
     */
    static OwnWritesMark wrapping(Object configured, StrategySelector strategies) {
        if (configured instanceof OwnWritesMark mark) {
            return mark;
        }
        return new OwnWritesMark(configured == null ? null
                : strategies.resolveStrategy(StatementInspector.class, configured));
    }
}
