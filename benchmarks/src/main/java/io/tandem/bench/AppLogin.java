package io.tandem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A login role that is a member of one app version's generated role (e.g. {@code shop_v1_app}) and of nothing else:
 * how an app's instances connect in production, so a benchmark that connects through it pays what an app pays (the
 * journal's row-level security included) and can do no more than an app can. Roles are cluster-wide, so
 * {@link #close()} drops it; the pools it opened must be closed first.
 */
final class AppLogin implements AutoCloseable {
    /** The credentials in a JDBC URL's parameters, which the PostgreSQL driver prefers over the pool's. */
    private static final Pattern CREDENTIALS = Pattern.compile("(?<=[?&])(user|password)=[^&]*&?");

    private final Pg pg;
    private final String db;
    private final String user;
    private final String password;

    private AppLogin(Pg pg, String db, String user, String password) {
        this.pg = pg;
        this.db = db;
        this.user = user;
        this.password = password;
    }

    /** Creates login {@code <db>_writer}, a member of {@code role} only (the role must exist: release first). */
    static AppLogin create(Pg pg, String db, String role) throws SQLException {
        String user = db + "_writer";
        String password = Long.toHexString(ThreadLocalRandom.current().nextLong());
        try (Connection c = pg.admin(); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + user);
            s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "' IN ROLE " + role);
        }
        return new AppLogin(pg, db, user, password);
    }

    /** A pool of {@code size} connections of this login to its database. */
    HikariDataSource pool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withoutCredentials(pg.urlFor(db)));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("bench-" + user);
        return new HikariDataSource(config);
    }

    static String withoutCredentials(String url) {
        String stripped = CREDENTIALS.matcher(url).replaceAll("");
        return stripped.endsWith("?") || stripped.endsWith("&") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = pg.admin(); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + user);
        }
    }
}
