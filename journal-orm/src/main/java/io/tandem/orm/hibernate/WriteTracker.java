package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.RejectedTransactionException;
import org.hibernate.HibernateException;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.PostCollectionRecreateEvent;
import org.hibernate.event.spi.PostCollectionRecreateEventListener;
import org.hibernate.event.spi.PostCollectionRemoveEvent;
import org.hibernate.event.spi.PostCollectionRemoveEventListener;
import org.hibernate.event.spi.PostCollectionUpdateEvent;
import org.hibernate.event.spi.PostCollectionUpdateEventListener;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.resource.transaction.spi.TransactionObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Notices that a session's transaction wrote (Hibernate's post-insert/update/delete and collection events, which
 * fire after the view's INSTEAD OF trigger has journaled the row), which {@link OwnWritesMark} asks until the
 * transaction completes. In fenced consistency it also captures the transaction's id just before it completes, and
 * after a successful commit waits for the applier through the {@link Fence}. With a {@link TandemObserver} it also
 * counts the transaction's journal rows and reports the commit and the wait. Transactions that wrote nothing through
 * Hibernate cost nothing extra.
 */
final class WriteTracker implements PostInsertEventListener, PostUpdateEventListener, PostDeleteEventListener,
        PostCollectionRecreateEventListener, PostCollectionUpdateEventListener, PostCollectionRemoveEventListener {
    private static final Logger log = LoggerFactory.getLogger(WriteTracker.class);

    private final TandemSettings settings;
    private final Fence fence;
    private final TandemObserver observer;
    private static final String TXID = "SELECT pg_current_xact_id_if_assigned()::text";
    /** The id and the number of journal rows of the current transaction (the index on app, txid). */
    private static final String TXID_AND_ROWS = "SELECT pg_current_xact_id_if_assigned()::text,"
            + " (SELECT count(*) FROM tandem.role_journal j WHERE j.app = ? AND j.txid = pg_current_xact_id_if_assigned())";

    /**
     * Session → its observer. Weak both ways (the observer holds its session weakly too), so a session that is
     * done with is forgotten; the session's transaction coordinator is what keeps its observer.
     */
    private final Map<SharedSessionContractImplementor, Observer> observers =
            Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * The observer of the session that last wrote on this thread, whatever its SessionFactory: most writes find it
     * here, without the map's lock, and {@link OwnWritesMark} asks it whether the thread's transaction has written.
     * Held weakly (the session's transaction coordinator holds it), or the observer, an inner object of its
     * tracker, would keep the tracker and its SessionFactory for the thread's life.
     */
    private static final ThreadLocal<WeakReference<Observer>> recent = new ThreadLocal<>();

    /**
     * @param fence    null in {@code async} consistency
     * @param observer null for none
     */
    WriteTracker(TandemSettings settings, Fence fence, TandemObserver observer) {
        this.settings = settings;
        this.fence = fence;
        this.observer = observer;
    }

    /** Whether the transaction of the session that last wrote on this thread has written and not yet ended. */
    static boolean wroteOnThisThread() {
        Observer o = lastOnThisThread();
        return o != null && o.wrote;
    }

    private static Observer lastOnThisThread() {
        WeakReference<Observer> last = recent.get();
        return last == null ? null : last.get();
    }

    private void wrote(SharedSessionContractImplementor session) {
        if (session == null) {
            return;
        }
        Observer o = lastOnThisThread();
        if (o == null || o.session.get() != session) {
            o = observers.computeIfAbsent(session, s -> {
                Observer created = new Observer(s);
                s.getTransactionCoordinator().addObserver(created);
                return created;
            });
            recent.set(new WeakReference<>(o));
        }
        o.wrote = true;
    }

    /** One per session that has written: whether its transaction wrote, and its fence. */
    private final class Observer implements TransactionObserver {
        private final WeakReference<SharedSessionContractImplementor> session;
        private boolean wrote;
        private Long txid;
        private long rows;

        Observer(SharedSessionContractImplementor session) {
            this.session = new WeakReference<>(session);
        }

        @Override
        public void afterBegin() {
            wrote = false;
            txid = null;
        }

        @Override
        public void beforeCompletion() {
            if (!wrote || fence == null && observer == null) {
                return;
            }
            SharedSessionContractImplementor completing = session.get();
            if (completing == null) {
                return; // cannot happen while the session completes its transaction: it is in use
            }
            try {
                Connection c = completing.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
                boolean count = observer != null && observer.countsRows();
                try (PreparedStatement s = c.prepareStatement(count ? TXID_AND_ROWS : TXID)) {
                    if (count) {
                        s.setString(1, settings.app());
                    }
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        String id = rs.getString(1);
                        txid = id == null ? null : Long.parseLong(id);
                        rows = count ? rs.getLong(2) : 0;
                    }
                }
            } catch (SQLException e) {
                throw new HibernateException("Tandem could not read the id of the transaction that wrote: " + e.getMessage(), e);
            }
        }

        @Override
        public void afterCompletion(boolean successful, boolean delayed) {
            Long id = txid;
            wrote = false;
            txid = null;
            if (!successful || id == null) {
                return;
            }
            if (observer != null) {
                observer.committed(settings.app(), settings.version(), rows);
            }
            if (fence != null) {
                await(id);
            }
        }

        private void await(long id) {
            long started = System.nanoTime();
            Fence.Outcome outcome;
            try {
                outcome = fence.await(settings.app(), id, settings.fenceTimeout());
            } catch (RejectedTransactionException e) {
                waited(started, TandemObserver.FenceEnd.REJECTED);
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TandemException("Interrupted while waiting for the applier to apply transaction " + id
                        + " (it is committed and will be applied)", e);
            } catch (SQLException e) {
                throw new TandemException("Could not wait for the applier to apply transaction " + id + " (it is"
                        + " committed and will be applied): " + e.getMessage(), e);
            }
            waited(started, outcome == Fence.Outcome.APPLIED ? TandemObserver.FenceEnd.APPLIED
                    : TandemObserver.FenceEnd.TIMED_OUT);
            if (outcome == Fence.Outcome.TIMED_OUT) {
                String message = "Transaction " + id + " of " + settings.app() + " v" + settings.version()
                        + " is committed but the applier did not apply it within " + settings.fenceTimeout().toMillis()
                        + " ms (tandem.fence-timeout); other transactions may not see it yet. Is the applier running?"
                        + " `tandem status --app " + settings.app() + "`";
                if (settings.throwOnTimeout()) {
                    throw new FenceTimeoutException(id, message);
                }
                log.warn(message);
            }
        }
    }

    private void waited(long started, TandemObserver.FenceEnd end) {
        if (observer != null) {
            observer.fenced(settings.app(), settings.version(), Duration.ofNanos(System.nanoTime() - started), end);
        }
    }

    @Override
    public void onPostInsert(PostInsertEvent event) {
        wrote(HibernateCompat.session(event)); // getSession()'s return type differs in 6.6
    }

    @Override
    public void onPostUpdate(PostUpdateEvent event) {
        wrote(HibernateCompat.session(event)); // getSession()'s return type differs in 6.6
    }

    @Override
    public void onPostDelete(PostDeleteEvent event) {
        wrote(HibernateCompat.session(event)); // getSession()'s return type differs in 6.6
    }

    @Override
    public void onPostRecreateCollection(PostCollectionRecreateEvent event) {
        wrote(event.getSession());
    }

    @Override
    public void onPostUpdateCollection(PostCollectionUpdateEvent event) {
        wrote(event.getSession());
    }

    @Override
    public void onPostRemoveCollection(PostCollectionRemoveEvent event) {
        wrote(event.getSession());
    }

    @Override
    public boolean requiresPostCommitHandling(EntityPersister persister) {
        return false;
    }
}
