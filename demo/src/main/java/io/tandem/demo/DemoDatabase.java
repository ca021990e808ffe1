package io.tandem.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.TandemException;
import io.tandem.jdbc.JdbcUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the demo runs: an embedded PostgreSQL started for it (removed on close), or a fresh database created on
 * the given server (dropped on close). Hands out connection pools, all closed with it.
 */
final class DemoDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String adminUrl;
    private final String url;
    private final String user;
    private final String password;
    private final String createdDatabase;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private DemoDatabase(EmbeddedPostgres embedded, String adminUrl, String url, String user, String password,
                         String createdDatabase) {
        this.embedded = embedded;
        this.adminUrl = adminUrl;
        this.url = url;
        this.user = user;
        this.password = password;
        this.createdDatabase = createdDatabase;
    }

    static DemoDatabase open(DemoConfig config) {
        if (config.jdbcUrl() == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
                return new DemoDatabase(pg, null, pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", null);
            } catch (IOException e) {
                throw new TandemException("Could not start the embedded PostgreSQL: " + e.getMessage()
                        + ". Pass --jdbc-url to run the demo on a server of yours.", e);
            }
        }
        String name = "tandem_demo_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new TandemException("Could not create the demo's database on " + config.jdbcUrl() + ": "
                    + e.getMessage() + ". The user needs CREATEDB; or leave out --jdbc-url for an embedded PostgreSQL.", e);
        }
        String url = JdbcUrl.withDatabase(config.jdbcUrl(), name);
        return new DemoDatabase(null, config.jdbcUrl(), url, config.user(), config.password(), name);
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Where it runs, for the user. */
    String describe() {
        return embedded != null ? "an embedded PostgreSQL (removed at the end)"
                : "database " + createdDatabase + " on " + adminUrl + " (dropped at the end)";
    }

    synchronized HikariDataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setPoolName("demo-" + name);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Override
    public synchronized void close() throws IOException, SQLException {
        pools.forEach(HikariDataSource::close);
        if (embedded != null) {
            embedded.close();
        }
        if (createdDatabase != null) {
            try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + createdDatabase + " WITH (FORCE)");
            }
        }
    }
}
