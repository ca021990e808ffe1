package io.tandem.examples.shop.v2;

import io.tandem.examples.shop.ShopApp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shop version 2: customers with first and last name and a phone. The client the demo and the benchmarks drive. */
public final class ShopV2 extends ShopApp {
    private ShopV2(String jdbcUrl, String user, String password, Map<String, String> settings) {
        super(2, jdbcUrl, user, password, settings, Customer.class, Order.class);
    }

    /** Opens shop v2 on a database where it is released; fenced consistency with Tandem's defaults. */
    public static ShopV2 open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Map.of());
    }

    /** Opens shop v2 with extra Hibernate/Tandem settings, e.g. {@code tandem.consistency=async}. */
    public static ShopV2 open(String jdbcUrl, String user, String password, Map<String, String> settings) {
        return new ShopV2(jdbcUrl, user, password, settings);
    }

    public long createCustomer(String firstName, String lastName, String email, String phone) {
        return inTransaction(s -> {
            Customer c = new Customer(firstName, lastName, email, phone);
            s.persist(c);
            s.flush();
            return c.getId();
        });
    }

    /** Renames a customer; false if there is none with that id. */
    public boolean rename(long id, String firstName, String lastName) {
        return inTransaction(s -> {
            Customer c = s.find(Customer.class, id);
            if (c == null) {
                return false;
            }
            c.setFirstName(firstName);
            c.setLastName(lastName);
            return true;
        });
    }

    public boolean changePhone(long id, String phone) {
        return inTransaction(s -> {
            Customer c = s.find(Customer.class, id);
            if (c == null) {
                return false;
            }
            c.setPhone(phone);
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
