package io.tandem.views;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.testing.Await;
import io.tandem.testing.TestDatabase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A release step or an applier in a JVM of its own, for tests that kill it with SIGKILL:
 * {@code main(jdbcUrl, user, password, action, args...)} where action is {@code migrate <dir> <copyRowsPerSecond>
 * <lockTimeoutMs>}, {@code revert <lockTimeoutMs>} or {@code applier}. Progress lines go to standard output; it
 * prints {@code STARTED <pid>} first and {@code DONE} when the step is complete (an applier runs until killed).
 */
public final class ReleaseProcess {
    private ReleaseProcess() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(10);
        HikariDataSource dataSource = new HikariDataSource(pool);
        System.out.println("STARTED " + ProcessHandle.current().pid());
        System.out.flush();
        MigrationProgress out = line -> {
            System.out.println(line);
            System.out.flush();
        };
        switch (args[3]) {
            // no wait for a quiet moment: the crash test holds the views open to kill a switch waiting for its locks
            case "migrate" -> new Migrator(dataSource).copyRowsPerSecond(Long.parseLong(args[5]))
                    .lockTimeout(Duration.ofMillis(Long.parseLong(args[6]))).quietWait(Duration.ZERO).progress(out)
                    .migrate(Release.load(Path.of(args[4])));
            case "revert" -> new ReleaseControl(dataSource).lockTimeout(Duration.ofMillis(Long.parseLong(args[4])))
                    .quietWait(Duration.ZERO).progress(out).revert("shop");
            case "applier" -> {
                Applier.start(new ApplierConfig(dataSource, "shop"));
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException(args[3]);
        }
        System.out.println("DONE");
        System.out.flush();
        System.exit(0);
    }

    /** A running child: its process and its log. */
    record Child(Process process, Path log) {
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        String output() throws IOException {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }

        /** Waits until the child printed DONE; fails if it died without. */
        void awaitDone() throws Exception {
            Await.until("child " + process.pid() + " completes (see " + log + ")", () -> {
                if (output().contains("\nDONE")) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("child " + process.pid() + " died before it was done:\n" + output());
                }
                return false;
            });
        }
    }

    /** Launches {@link #main} with {@code args} after the connection in a new JVM on this test JVM's classpath. */
    static Child launch(TestDatabase db, Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classpath, ReleaseProcess.class.getName(), db.jdbcUrl(), db.user(), db.password()));
        command.addAll(List.of(args));
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile())); // a fresh log: an old DONE must not count
        return new Child(pb.start(), log);
    }
}
