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
    private final List<Login> logins = new ArrayList<>();
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
        return newPool(maxSize, new Login(user, password));
    }

    /** A new pool of at most {@code maxSize} connections of {@code login}; closed with the database. */
    public synchronized HikariDataSource newPool(int maxSize, Login login) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(login.user());
        config.setPassword(login.password());
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        config.setPoolName("test-" + name + "-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** A user name and password to connect with. */
    public record Login(String user, String password) {
    }

    /**
     * Creates a login role that is a member of {@code roles} and of nothing else, as an app's production login is a
     * member of its version's role ({@code CREATE ROLE ... LOGIN PASSWORD ... IN ROLE shop_v1_app}). Named after this
     * database ({@code <database>_<suffix>}), so test classes never share one; dropped after the database.
     *
     * @param suffix lower-case letters, digits and underscores
     */
    public synchronized Login createLogin(String suffix, String... roles) throws SQLException {
        if (!suffix.matches("[a-z0-9_]{1,8}")) {
            throw new IllegalArgumentException("login suffix '" + suffix + "': use 1-8 of a-z, 0-9 and _");
        }
        String name = name() + "_" + suffix;
        String secret = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        StringBuilder sql = new StringBuilder("CREATE ROLE " + quoted(name) + " LOGIN PASSWORD '" + secret + "'");
        for (int i = 0; i < roles.length; i++) {
            sql.append(i == 0 ? " IN ROLE " : ", ").append(quoted(roles[i]));
        }
        try (Connection c = connect(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql.toString());
        }
        Login login = new Login(name, secret);
        logins.add(login);
        return login;
    }

    /** The logins {@link #createLogin} made, to drop once the database is gone. */
    synchronized List<Login> logins() {
        return List.copyOf(logins);
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** A fresh unpooled connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** A fresh unpooled connection of {@code login}; the caller closes it. */
    public Connection connect(Login login) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, login.user(), login.password());
    }

    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        shared = null;
    }
}
