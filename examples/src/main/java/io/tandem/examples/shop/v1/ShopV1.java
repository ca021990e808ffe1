package io.tandem.examples.shop.v1;

import io.tandem.examples.shop.ShopApp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shop version 1: customers with one full name. The client the demo and the benchmarks drive. */
public final class ShopV1 extends ShopApp {
    private ShopV1(String jdbcUrl, String user, String password, Map<String, String> settings) {
        super(1, jdbcUrl, user, password, settings, Customer.class, Order.class);
    }

    /** Opens shop v1 on a database where it is released; fenced consistency with Tandem's defaults. */
    public static ShopV1 open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Map.of());
    }

    /** Opens shop v1 with extra Hibernate/Tandem settings, e.g. {@code tandem.consistency=async}. */
    public static ShopV1 open(String jdbcUrl, String user, String password, Map<String, String> settings) {
        return new ShopV1(jdbcUrl, user, password, settings);
    }

    public long createCustomer(String fullName, String email) {
        return inTransaction(s -> {
            Customer c = new Customer(fullName, email);
            s.persist(c);
            s.flush();
            return c.getId();
        });
    }

    /** Renames a customer; false if there is none with that id. */
    public boolean rename(long id, String fullName) {
        return inTransaction(s -> {
            Customer c = s.find(Customer.class, id);
            if (c == null) {
                return false;
            }
            c.setFullName(fullName);
            return true;
        });
    }

    public boolean changeEmail(long id, String email) {
        return inTransaction(s -> {
            Customer c = s.find(Customer.class, id);
            if (c == null) {
                return false;
            }
            c.setEmail(email);
            return true;
        });
    }

    /** Deletes a customer and their orders; false if there is none with that id. */
    public boolean delete(long id) {
        return inTransaction(s -> {
            Customer c = s.find(Customer.class, id);
            if (c == null) {
                return false;
            }
            s.createSelectionQuery("from Order o where o.customer = :c", Order.class).setParameter("c", c)
                    .getResultList().forEach(s::remove);
            s.flush();
            s.remove(c);
            return true;
        });
    }

    public Optional<Customer> find(long id) {
        return Optional.ofNullable(inTransaction(s -> s.find(Customer.class, id)));
    }

    public List<Customer> findByEmail(String email) {
        return inTransaction(s -> s.createSelectionQuery("from Customer c where c.email = :e", Customer.class)
                .setParameter("e", email).getResultList());
    }

    public long placeOrder(long customerId, BigDecimal total) {
        return inTransaction(s -> {
            Order o = new Order(s.getReference(Customer.class, customerId), total);
            s.persist(o);
            s.flush();
            return o.getId();
        });
    }
}
