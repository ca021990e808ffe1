package io.tandem.examples.shop;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What both versions of the example shop share: a HikariCP pool and a Hibernate SessionFactory configured only by
 * {@code tandem.app}, {@code tandem.version} and the JDBC URL. Nothing else in the app knows about Tandem.
 */
public abstract class ShopApp implements AutoCloseable {
    private final HikariDataSource pool;
    private final SessionFactory sessionFactory;

    protected ShopApp(int version, String jdbcUrl, String user, String password, Map<String, String> settings,
                      Class<?>... entities) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(Integer.parseInt(settings.getOrDefault("pool.size", "8")));
        config.setPoolName("shop-v" + version);
        pool = new HikariDataSource(config);
        try {
            Configuration cfg = new Configuration()
                    .setProperty("tandem.app", "shop")
                    .setProperty("tandem.version", Integer.toString(version))
                    .setProperty("hibernate.jdbc.batch_size", "50")
                    .setProperty("hibernate.order_inserts", "true")
                    .setProperty("hibernate.order_updates", "true");
            cfg.getProperties().put("hibernate.connection.datasource", pool);
            settings.forEach((k, v) -> {
                if (!k.equals("pool.size")) {
                    cfg.setProperty(k, v);
                }
            });
            for (Class<?> entity : entities) {
                cfg.addAnnotatedClass(entity);
            }
            sessionFactory = cfg.buildSessionFactory();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The SessionFactory, for code that wants more than this facade offers. */
    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    /** Runs {@code work} in one transaction and returns its result (fenced: after the applier applied it). */
    public <T> T inTransaction(Function<Session, T> work) {
        return sessionFactory.fromTransaction(work);
    }

    /** Runs {@code work} in one transaction. */
    public void inTransactionDo(Consumer<Session> work) {
        sessionFactory.inTransaction(work);
    }

    @Override
    public void close() {
        try {
            sessionFactory.close();
        } finally {
            pool.close();
        }
    }
}
