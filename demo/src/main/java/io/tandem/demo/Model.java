package io.tandem.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The expected state of every customer, updated only after a write was acknowledged (its transaction committed).
 * Each customer field has exactly one writer thread (ownership by id), so the last acknowledged write per field is
 * the expected value, whatever order the applier sees the versions in.
 */
final class Model {
    private final Map<Long, Customer> customers = new ConcurrentHashMap<>();
    private final int seeded;

    Model(int seeded) {
        this.seeded = seeded;
        for (long id = 1; id <= seeded; id++) {
            customers.put(id, new Customer(seedName(id), seedEmail(id), null, false));
        }
    }

    static String seedName(long id) {
        return "Seed" + id + " Customer";
    }

    static String seedEmail(long id) {
        return "seed" + id + "@example.com";
    }

    int seeded() {
        return seeded;
    }

    void put(long id, Customer customer) {
        customers.put(id, customer);
    }

    void update(long id, UnaryOperator<Customer> change) {
        customers.computeIfPresent(id, (k, c) -> c.deleted() ? c : change.apply(c));
    }

    void delete(long id) {
        customers.put(id, Customer.GONE);
    }

    Customer get(long id) {
        return customers.get(id);
    }

    Map<Long, Customer> all() {
        return customers;
    }
}
