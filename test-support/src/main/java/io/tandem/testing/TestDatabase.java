package io.tandem.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A database created for one test class on a real PostgreSQL server, and dropped after it.
 *
 * <p>Obtain one by annotating the test class with {@link PostgresTest} and declaring a {@code TestDatabase}
 * parameter on a test, lifecycle method or constructor. All pools handed out by {@link #dataSource()} and
 * {@link #newPool(int)} are closed when the class finishes, before the database is dropped.
 */
public final class TestDatabase implements AutoCloseable {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String name;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private HikariDataSource shared;

    TestDatabase(String jdbcUrl, String user, String password, String name) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /** JDBC URL of this class's database (no credentials in it). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The database name, unique per test class and run. */
    public String name() {
        return name;
    }

    /** A shared pool (up to 10 connections) on this database, created on first use. */
    public synchronized DataSource dataSource() {
        if (shared == null) {
            shared = newPool(10);
        }
        return shared;
    }

    /** A new pool of at most {@code maxSize} connections; closed with the database. */
    public synchronized HikariDataSource newPool(int maxSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        config.setPoolName("test-" + name + "-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** A fresh unpooled connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        shared = null;
    }
}
