package io.tandem.core.journal;

import io.tandem.testing.Await;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closing a fence whose database is gone: its listening thread waits for a connection from the pool (as long as the
 * pool's timeout), and closing must end that wait — interrupt it — rather than sit out its own.
 */
class FenceCloseTest {
    @Test
    void closeEndsTheListenersWaitForAConnection() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Thread> listener = new AtomicReference<>();
        DataSource gone = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    listener.set(Thread.currentThread());
                    waiting.countDown();
                    try {
                        new CountDownLatch(1).await(); // as a pool waits for a database that does not answer
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        Thread.currentThread().interrupt();
                        throw new SQLException("Interrupted during connection acquisition", e);
                    }
                    throw new AssertionError("unreachable");
                });

        Fence fence = Fence.open(gone);
        waiting.await();
        fence.close();

        // the stand-in pool never gives up: only close's interrupt ends the wait, and then the thread
        Await.until("close interrupted the listener's wait for a connection", () -> interrupted.getCount() == 0);
        Await.until("the listening thread ended", () -> !listener.get().isAlive());
    }
}
