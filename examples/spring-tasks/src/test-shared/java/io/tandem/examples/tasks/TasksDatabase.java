package io.tandem.examples.tasks;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresServer;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database of the tasks app for the tests, the way it runs in production: Tandem and the app's release installed
 * by {@code tandem migrate} (here its {@link Migrator}) as the tables' owner, an applier running, and the app
 * connected as a login that is only a member of {@code tasks_v1_app}. One per name for the test JVM.
 */
final class TasksDatabase {
    /** The app's release folders: {@code schemas/} of the module, or {@code -Dtasks.schemas=DIR}. */
    private static final Path SCHEMAS = Path.of(System.getProperty("tasks.schemas", "schemas"));
    static final Path RELEASE_1 = SCHEMAS.resolve("releases/1/tasks");
    static final Path RELEASE_2 = SCHEMAS.resolve("tasks");

    private static final Map<String, TasksDatabase> OPEN = new ConcurrentHashMap<>();

    final TestDatabase db;
    final TestDatabase.Login login;
    private Applier applier;

    private TasksDatabase(TestDatabase db, Path... releases) throws SQLException {
        this.db = db;
        for (Path release : releases) {
            release(release);
        }
        this.login = db.createLogin("app", "tasks_v1_app");
        startApplier();
    }

    /**
     * The database called {@code tasks_<name>}, made on first use with {@code releases} released one after the other
     * and an applier running.
     */
    static TasksDatabase named(String name, Path... releases) {
        return OPEN.computeIfAbsent(name, n -> {
            try {
                return new TasksDatabase(PostgresServer.get().createDatabase("tasks_" + n), releases);
            } catch (SQLException e) {
                throw new IllegalStateException("could not make the tasks database " + n, e);
            }
        });
    }

    /** Points the app at this database, as its login. */
    void connectApp(DynamicPropertyRegistry properties) {
        properties.add("spring.datasource.url", db::jdbcUrl);
        properties.add("spring.datasource.username", login::user);
        properties.add("spring.datasource.password", login::password);
    }

    /** Releases {@code release} (tandem migrate) while whatever is connected goes on. */
    void release(Path release) throws SQLException {
        new Migrator(db.dataSource()).migrate(Release.load(release));
    }

    synchronized void startApplier() {
        if (applier == null) {
            applier = Applier.start(new ApplierConfig(db.newPool(8), "tasks"));
        }
    }

    /** Stops the applier, as a killed one would: its leader lock goes with its connections. */
    synchronized void stopApplier() throws Exception {
        if (applier != null) {
            applier.close();
            applier = null;
        }
    }

    /** One value from the physical tables, read as their owner: what the applier has applied. */
    String physical(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
