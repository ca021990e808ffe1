package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.TandemException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway PostgreSQL database: a fresh database on the server of {@code --jdbc-url} (dropped on close), or,
 * without one, an embedded PostgreSQL started for the purpose (stopped and removed on close).
 */
final class ScratchDatabase implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final HikariDataSource admin;
    private final String name;
    private final DataSource dataSource;
    private final HikariDataSource pool;

    private ScratchDatabase(EmbeddedPostgres embedded, HikariDataSource admin, String name, DataSource dataSource,
                            HikariDataSource pool) {
        this.embedded = embedded;
        this.admin = admin;
        this.name = name;
        this.dataSource = dataSource;
        this.pool = pool;
    }

    static ScratchDatabase open(ConnectionOptions connection) {
        if (connection.present()) {
            return onServer(connection);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            return new ScratchDatabase(pg, null, null, pg.getPostgresDatabase(), null);
        } catch (IOException e) {
            throw new TandemException("Could not start an embedded PostgreSQL for the scratch database: "
                    + e.getMessage() + ". Pass --jdbc-url to use a server of yours instead.", e);
        }
    }

    private static ScratchDatabase onServer(ConnectionOptions connection) {
        HikariDataSource admin = connection.pool("scratch-admin", 1);
        String name = "tandem_scratch_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            admin.close();
            throw new TandemException("Could not create a scratch database on " + connection.jdbcUrl + ": "
                    + e.getMessage() + ". The user needs CREATEDB, or leave out --jdbc-url to use an embedded PostgreSQL.", e);
        }
        ConnectionOptions scratch = connection.withDatabase(name);
        HikariDataSource pool = scratch.pool("scratch", 2);
        return new ScratchDatabase(null, admin, name, pool, pool);
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() throws IOException, SQLException {
        if (pool != null) {
            pool.close();
        }
        if (admin != null) {
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } finally {
                admin.close();
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
