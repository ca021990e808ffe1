package io.tandem.core.db;

import io.tandem.core.TandemException;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Installs and upgrades Tandem's own schema ({@value #SCHEMA}: journal, versions registry, applier state,
 * rejects) in a database.
 *
 * <p>Guarantees: idempotent (installing an installed schema changes nothing); safe when several processes
 * install at once (they serialise on a session advisory lock and the later ones find the work done); isolated
 * from the application's own migrations (Flyway history in {@code tandem.tandem_schema_history}).
 *
 * <p>Needs Flyway on the class path, which journal-core declares optional: the applier and the view generator, which
 * install the schema, bring it; an app that only writes through journal-orm does not carry it.
 */
public final class TandemSchema {
    /** The PostgreSQL schema that holds Tandem's tables. */
    public static final String SCHEMA = "tandem";
    /** Flyway history table of Tandem's own migrations, inside {@link #SCHEMA}. */
    public static final String HISTORY_TABLE = "tandem_schema_history";
    /** The newest version of Tandem's schema this build installs. */
    public static final String CURRENT_VERSION = "17";

    /** Advisory lock key that serialises concurrent installers ("tandem" as ASCII, then 1). */
    private static final long INSTALL_LOCK = 0x74616e64656d0001L;
    private static final Logger log = LoggerFactory.getLogger(TandemSchema.class);

    private TandemSchema() {
    }

    /**
     * Brings Tandem's schema in {@code dataSource}'s database up to date.
     *
     * @return the schema version now installed, e.g. {@code "1"}
     * @throws TandemException if the database refuses (with the reason and what to check)
     */
    public static String install(DataSource dataSource) {
        return install(dataSource, "latest");
    }

    /**
     * Brings Tandem's schema up to {@code version} and no further, as {@link #install} does: for tests of an upgrade
     * from that version (and the migrations after it) under load.
     *
     * @param version a schema version, e.g. {@code "16"}
     * @return the schema version now installed
     * @throws TandemException if the database refuses
     */
    public static String installUpTo(DataSource dataSource, String version) {
        return install(dataSource, version);
    }

    private static String install(DataSource dataSource, String target) {
        try (Connection lock = dataSource.getConnection()) {
            try (PreparedStatement s = lock.prepareStatement("SELECT pg_advisory_lock(?)")) {
                s.setLong(1, INSTALL_LOCK);
                s.execute();
            }
            try {
                MigrateResult result = flyway(dataSource, target).migrate();
                if (result.migrationsExecuted > 0) {
                    log.info("Installed Tandem schema {} ({} migration(s))", result.targetSchemaVersion,
                            result.migrationsExecuted);
                }
                return installedVersion(lock);
            } finally {
                try (PreparedStatement s = lock.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    s.setLong(1, INSTALL_LOCK);
                    s.execute();
                }
            }
        } catch (SQLException e) {
            throw new TandemException("Could not install Tandem's schema '" + SCHEMA + "': " + e.getMessage()
                    + ". Check that the user may CREATE in the database.", e);
        } catch (org.flywaydb.core.api.FlywayException e) {
            throw new TandemException("Could not install Tandem's schema '" + SCHEMA + "': " + e.getMessage(), e);
        }
    }

    /**
     * Checks, without changing anything, that Tandem's schema is installed in {@code dataSource}'s database and is
     * at least this build's {@link #CURRENT_VERSION}: for a process that must not create Tandem's tables in a
     * database it was pointed at by mistake (an operator's applier), where installing is the release's job.
     *
     * @return the schema version installed
     * @throws TandemException if it is not installed, or older than this build needs, saying to run
     *                         {@code tandem migrate} first
     */
    public static String requireCurrent(DataSource dataSource) {
        String installed;
        try (Connection c = dataSource.getConnection()) {
            installed = installedVersion(c);
        } catch (SQLException e) {
            throw new TandemException("Could not read Tandem's schema version: " + e.getMessage()
                    + ". Check that the user may read the database.", e);
        }
        if (installed == null) {
            throw new TandemException("Tandem's schema '" + SCHEMA + "' is not installed in this database: run"
                    + " `tandem migrate --schemas DIR` against it first (the release installs it), or check the"
                    + " database URL.");
        }
        if (olderThanCurrent(installed)) {
            throw new TandemException("Tandem's schema '" + SCHEMA + "' in this database is version " + installed
                    + ", older than version " + CURRENT_VERSION + " this build needs: run `tandem migrate --schemas DIR`"
                    + " with this build first (it upgrades the schema).");
        }
        return installed;
    }

    private static boolean olderThanCurrent(String installed) {
        try {
            return Integer.parseInt(installed) < Integer.parseInt(CURRENT_VERSION);
        } catch (NumberFormatException e) {
            return installed.compareTo(CURRENT_VERSION) < 0;
        }
    }

    /** The installed schema version, or {@code null} when Tandem is not installed in this database. */
    public static String installedVersion(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT to_regclass('" + SCHEMA + "." + HISTORY_TABLE + "') IS NOT NULL");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return null;
            }
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT version FROM " + SCHEMA + "." + HISTORY_TABLE
                + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Flyway flyway(DataSource dataSource, String target) {
        FluentConfiguration config = Flyway.configure(TandemSchema.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .table(HISTORY_TABLE)
                .locations("classpath:io/tandem/core/db")
                .target(target);
        // Flyway's transaction-scoped lock would make a CREATE INDEX CONCURRENTLY script hang.
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        return config.load();
    }
}
