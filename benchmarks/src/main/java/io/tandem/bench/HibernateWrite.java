package io.tandem.bench;

import io.tandem.examples.shop.v1.Customer;
import org.hibernate.SessionFactory;

/**
 * A Hibernate write variant: {@code persist} of n new shop v1 {@link Customer}s in one transaction, committed.
 * Where the rows land (through the journal, into the physical table, into pgroll's triggered table) is decided
 * entirely by the SessionFactory ({@link ShopSessionFactories}); the code path in the app is the same.
 */
final class HibernateWrite implements WriteVariant {
    private final String name;
    private final SessionFactory sessionFactory;

    HibernateWrite(String name, SessionFactory sessionFactory) {
        this.name = name;
        this.sessionFactory = sessionFactory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void commitCustomers(long first, int n) {
        sessionFactory.inTransaction(session -> {
            for (long i = first; i < first + n; i++) {
                session.persist(new Customer(WriteVariant.fullName(i), WriteVariant.email(i)));
            }
        });
    }
}
