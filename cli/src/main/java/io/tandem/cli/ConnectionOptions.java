package io.tandem.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.TandemException;
import io.tandem.jdbc.JdbcUrl;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The connection options every database command takes: {@code --jdbc-url} (default: env
 * {@code TANDEM_JDBC_URL}), {@code --user}, {@code --password} (default: env {@code TANDEM_PASSWORD}).
 */
final class ConnectionOptions {

    @Option(names = "--jdbc-url", paramLabel = "URL", defaultValue = "${env:TANDEM_JDBC_URL}",
            converter = OptionValues.PostgresUrl.class,
            description = "JDBC URL of the database (default: env TANDEM_JDBC_URL), e.g. jdbc:postgresql://localhost:5432/shop")
    String jdbcUrl;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "${env:TANDEM_USER}",
            description = "Database user (default: env TANDEM_USER, else the URL's or driver's default)")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:TANDEM_PASSWORD}",
            description = "Database password (default: env TANDEM_PASSWORD)")
    String password;

    /** The command this mixin belongs to (null on a copy made by {@link #withDatabase}). */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The same options on another database of the same server. */
    ConnectionOptions withDatabase(String database) {
        ConnectionOptions other = new ConnectionOptions();
        other.jdbcUrl = JdbcUrl.withDatabase(jdbcUrl, database);
        other.user = user;
        other.password = password;
        return other;
    }

    /** Whether a URL was given, by flag or environment. */
    boolean present() {
        return jdbcUrl != null && !jdbcUrl.isBlank();
    }

    /**
     * A pool of at most {@code size} connections, its sessions named {@code tandem-<name>} in {@code pg_stat_activity}
     * (unless the URL names them); the caller closes it.
     */
    HikariDataSource pool(String name, int size) {
        if (!present()) {
            String message = "No database given: pass --jdbc-url jdbc:postgresql://HOST:PORT/DB or set TANDEM_JDBC_URL";
            if (command != null) {
                throw new ParameterException(command.commandLine(), message);
            }
            throw new TandemException(message + ".");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("tandem-" + name);
        // what pg_stat_activity shows, and a refusal naming the release lock's holder ("session 781 'tandem-migrate'");
        // an ApplicationName in the URL wins
        config.addDataSourceProperty("ApplicationName", "tandem-" + name);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new TandemException("Could not connect to " + jdbcUrl + ": " + rootMessage(e)
                    + ". Check the URL, user and password, and that the server is running.", e);
        }
    }

    /** The innermost cause's message, saying what kind of failure it is where the message alone does not. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof java.net.UnknownHostException ? "unknown host " + root.getMessage() : root.getMessage();
    }
}
