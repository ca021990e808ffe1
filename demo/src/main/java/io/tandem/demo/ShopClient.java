package io.tandem.demo;

import io.tandem.examples.shop.ShopApp;
import io.tandem.examples.shop.v1.ShopV1;
import io.tandem.examples.shop.v2.ShopV2;
import io.tandem.views.ViewGenerator;
import org.hibernate.Session;

import java.util.Map;
import java.util.function.Consumer;

/**
 * One app version of the example shop as the demo's writers drive it: the Hibernate app of {@code examples}
 * (entities read from the version's views, writes journaled by the views' triggers), one transaction per call.
 * Each write returns the id of its transaction, for the lag probe, or -1 when it journaled nothing.
 *
 * <p>The apps run with {@code tandem.consistency=async}: a commit returns at once, so the demo measures the write
 * path and the applier's lag separately (the default, {@code fenced}, would fold the lag into every write).
 */
final class ShopClient implements AutoCloseable {
    /** A created customer's id and the transaction that created it. */
    record Created(long id, long txid) {
    }

    /**
     * What a change returns when its customer is not visible yet: created by an async commit that the applier has
     * not applied, so a new transaction cannot load it. Nothing was written; the writer picks another operation.
     */
    static final long NOT_YET_VISIBLE = -2;

    private final ShopApp app;
    private final int version;

    private ShopClient(ShopApp app, int version) {
        this.app = app;
        this.version = version;
    }

    /** Opens the app of {@code version} (released already) as a login that is a member of the version's role only. */
    static ShopClient open(int version, DemoDatabase db, int poolSize) {
        Map<String, String> settings = Map.of("tandem.consistency", "async", "pool.size", Integer.toString(poolSize));
        DemoDatabase.Login login = db.appLogin(new ViewGenerator().roleName("shop", version));
        ShopApp app = version == 1 ? ShopV1.open(db.url(), login.user(), login.password(), settings)
                : ShopV2.open(db.url(), login.user(), login.password(), settings);
        return new ShopClient(app, version);
    }

    int version() {
        return version;
    }

    Created insert(Customer c) {
        return app.inTransaction(s -> {
            long id;
            if (version == 1) {
                io.tandem.examples.shop.v1.Customer e = new io.tandem.examples.shop.v1.Customer(c.fullName(), c.email());
                s.persist(e);
                s.flush();
                id = e.getId();
            } else {
                io.tandem.examples.shop.v2.Customer e = new io.tandem.examples.shop.v2.Customer(c.firstName(),
                        c.lastName(), c.email(), c.phone());
                s.persist(e);
                s.flush();
                id = e.getId();
            }
            return new Created(id, txid(s));
        });
    }

    long rename(long id, String fullName) {
        Customer names = new Customer(fullName, null, null, false);
        if (version == 1) {
            return change(io.tandem.examples.shop.v1.Customer.class, id, c -> c.setFullName(fullName));
        }
        return change(io.tandem.examples.shop.v2.Customer.class, id, c -> {
            c.setFirstName(names.firstName());
            c.setLastName(names.lastName());
        });
    }

    long changeEmail(long id, String email) {
        return change(io.tandem.examples.shop.v1.Customer.class, id, c -> c.setEmail(email));
    }

    long changePhone(long id, String phone) {
        return change(io.tandem.examples.shop.v2.Customer.class, id, c -> c.setPhone(phone));
    }

    long delete(long id) {
        return app.inTransaction(s -> {
            Object c = s.find(entity(), id);
            if (c == null) {
                return NOT_YET_VISIBLE;
            }
            s.remove(c);
            s.flush();
            return txid(s);
        });
    }

    /** Reads a customer through this version's view; true if it is there. */
    boolean find(long id) {
        return app.inTransaction(s -> s.find(entity(), id) != null);
    }

    private Class<?> entity() {
        return version == 1 ? io.tandem.examples.shop.v1.Customer.class : io.tandem.examples.shop.v2.Customer.class;
    }

    /** Loads the customer, changes it, and flushes; {@link #NOT_YET_VISIBLE} if it cannot be loaded yet. */
    private <T> long change(Class<T> type, long id, Consumer<T> work) {
        return app.inTransaction(s -> {
            T c = s.find(type, id);
            if (c == null) {
                return NOT_YET_VISIBLE;
            }
            work.accept(c);
            s.flush();
            return txid(s);
        });
    }

    /** The transaction's id, once it wrote (the views' triggers journal at flush), or -1. */
    private static long txid(Session s) {
        String id = s.createNativeQuery("SELECT pg_current_xact_id_if_assigned()::text", String.class).getSingleResult();
        return id == null ? -1 : Long.parseLong(id);
    }

    @Override
    public void close() {
        app.close();
    }
}
