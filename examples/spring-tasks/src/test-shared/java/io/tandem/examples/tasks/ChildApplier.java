package io.tandem.examples.tasks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The tasks app's applier in a JVM of its own, so that a test can kill it as an operator's SIGKILL or a lost node
 * would: {@code main(jdbcUrl, user, password)} starts it and runs until killed.
 */
final class ChildApplier {
    private ChildApplier() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(8);
        Applier.start(new ApplierConfig(new HikariDataSource(pool), "tasks"));
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Starts {@link #main} on {@code database}, on this test JVM's class path; its output goes to {@code log}. */
    static Process launch(TasksDatabase database, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire may run tests from a manifest-only booter jar; its test class path is then in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", classpath,
                ChildApplier.class.getName(), database.db.jdbcUrl(), database.db.user(), database.db.password()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
