package io.tandem.applier;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.testing.Await;
import io.tandem.testing.TestDatabase;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An applier in a JVM of its own, for tests that kill it with SIGKILL: {@code main(jdbcUrl, user, password, app
 * [, sliceRows [, maintenanceMillis]])} starts {@link Applier#start} on a small pool, prints {@code STARTED <pid>}
 * and sleeps forever.
 */
public final class ApplierProcess {
    private ApplierProcess() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(8); // its two tracks (3 each) and journal maintenance (2)
        pool.setPoolName("applier-process");
        ApplierConfig config = new ApplierConfig(new HikariDataSource(pool), args[3]);
        if (args.length > 4) {
            config.sliceRows(Integer.parseInt(args[4]));
        }
        if (args.length > 5) {
            config.journalMaintenance(java.time.Duration.ofMillis(Long.parseLong(args[5])));
        }
        Applier.start(config);
        System.out.println("STARTED " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Launches {@link #main} in a new JVM on this test JVM's classpath; output goes to {@code log}. */
    static Process launch(TestDatabase db, String app, int sliceRows, Path log) throws IOException {
        return launch(db, app, sliceRows, 10_000, log);
    }

    /** The same, running journal maintenance every {@code maintenanceMillis}. */
    static Process launch(TestDatabase db, String app, int sliceRows, long maintenanceMillis, Path log)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire may run tests from a manifest-only booter jar; its test class path is then in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", classpath, ApplierProcess.class.getName(),
                db.jdbcUrl(), db.user(), db.password(), app, Integer.toString(sliceRows),
                Long.toString(maintenanceMillis)));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /** Waits until the child at {@code log} printed that it started; fails the test if it died first. */
    static void awaitStarted(Process p, Path log, long pid) throws Exception {
        Await.until("applier process " + pid + " starts (see " + log + ")", () -> {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("STARTED " + pid)) {
                return true;
            }
            if (!p.isAlive()) {
                throw new AssertionError("applier process " + pid + " died before it started; see " + log);
            }
            return false;
        });
    }

    /** SIGKILL on Linux; waits until the process is gone. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor();
    }

    static Path logFile(String name) {
        return new File("target/" + name + ".log").toPath().toAbsolutePath();
    }
}
