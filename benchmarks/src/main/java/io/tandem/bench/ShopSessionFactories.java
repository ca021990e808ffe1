package io.tandem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.examples.shop.v1.ShopV1;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The write-path benchmark's three Hibernate SessionFactories over the example shop's v1 entity classes. Each has its
 * own HikariCP pool of the same size and the same Hibernate write settings (JDBC batch size, insert/update ordering),
 * and all of them use the entities' IDENTITY ids:
 * <ul>
 *   <li>{@link #journal()}: the example app {@link ShopV1} itself, with {@code tandem.consistency=async} (the
 *       applier is not running): entities map onto the {@code shop_v1} views, whose triggers journal every insert;</li>
 *   <li>{@link #direct()}: the same entity classes and write settings without Tandem's properties, so Hibernate
 *       maps them onto release 1's physical tables;</li>
 *   <li>{@link #pgroll()}: direct, with {@code hibernate.default_schema} = {@link PgrollTable#SCHEMA}.</li>
 * </ul>
 */
final class ShopSessionFactories implements AutoCloseable {
    /** The settings that decide how inserts reach the database: copied from the app so that every side matches. */
    private static final List<String> WRITE_SETTINGS = List.of("hibernate.jdbc.batch_size", "hibernate.order_inserts",
            "hibernate.order_updates");
    private final ShopV1 app;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<SessionFactory> plain = new ArrayList<>();

    /** Opens all three on {@code jdbcUrl} (which carries the credentials), release 1 of the shop being live there. */
    ShopSessionFactories(String jdbcUrl, int poolSize) {
        app = ShopV1.open(jdbcUrl, null, null,
                Map.of("tandem.consistency", "async", "pool.size", Integer.toString(poolSize)));
        try {
            plain.add(withoutTandem(jdbcUrl, poolSize, Map.of()));
            plain.add(withoutTandem(jdbcUrl, poolSize, Map.of("hibernate.default_schema", PgrollTable.SCHEMA)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    SessionFactory journal() {
        return app.sessionFactory();
    }

    SessionFactory direct() {
        return plain.get(0);
    }

    SessionFactory pgroll() {
        return plain.get(1);
    }

    private SessionFactory withoutTandem(String jdbcUrl, int poolSize, Map<String, String> extra) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("bench-hibernate-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        Configuration cfg = new Configuration();
        Map<String, Object> appSettings = journal().getProperties();
        WRITE_SETTINGS.forEach(key -> cfg.setProperty(key,
                Objects.requireNonNull(appSettings.get(key), key + " not set by the app").toString()));
        extra.forEach(cfg::setProperty);
        cfg.getProperties().put("hibernate.connection.datasource", pool);
        journal().getMetamodel().getEntities().forEach(entity -> cfg.addAnnotatedClass(entity.getJavaType()));
        return cfg.buildSessionFactory();
    }

    @Override
    public void close() {
        plain.forEach(SessionFactory::close);
        pools.forEach(HikariDataSource::close);
        app.close();
    }
}
