package io.tandem.examples.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.orm.hibernate.FenceTimeoutException;
import io.tandem.spring.TandemHealthCheck;
import io.tandem.spring.TandemMetrics;
import io.tandem.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app while its applier is gone: an applier in a JVM of its own is killed (SIGKILL), the starter's health goes
 * DOWN as soon as no applier leads (the leader lock goes with the killed process's sessions), a fenced commit is
 * committed but times out — counted in the metrics — and once an applier is back, health is UP and the commit is
 * applied.
 */
@SpringBootTest(properties = {"tandem.fence-timeout=500ms", "tandem.fence-timeout-action=throw"})
class ApplierGoneTest {
    static final TasksDatabase DATABASE = TasksDatabase.named("applier_gone", TasksDatabase.RELEASE_1);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        DATABASE.connectApp(properties);
    }

    @TempDir
    Path log;

    @Autowired
    Planner planner;
    @Autowired
    ProjectRepository projects;
    @Autowired
    TandemHealthCheck health;
    @Autowired
    MeterRegistry meters;

    @Test
    void withoutAnApplierHealthIsDownAndFencedCommitsTimeOut() throws Exception {
        DATABASE.stopApplier();
        Process child = ChildApplier.launch(DATABASE, log.resolve("applier.log"));
        try {
            Await.until("the applier in its own JVM leads", () -> health.check().status().equals("UP"));
        } finally {
            child.destroyForcibly(); // SIGKILL: no clean stop, its sessions simply end
            child.waitFor();
        }
        Await.until("health DOWN once no applier leads", () -> health.check().status().equals("DOWN"));
        TandemHealthCheck.Report down = health.check();
        assertEquals(false, down.details().get("leader"), down.details().toString());

        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> planner.startProject("Attic", "Ada Lovelace", "ada@example.com"));
        assertTrue(causedBy(thrown, FenceTimeoutException.class), () -> "a fence timeout: " + thrown);
        assertEquals(1.0, meters.get(TandemMetrics.FENCE_TIMEOUTS).tag("app", "tasks").counter().count());
        assertNull(DATABASE.physical("SELECT id FROM project WHERE name = 'Attic'"), "committed, not applied");

        DATABASE.startApplier();
        Await.until("health UP again", () -> health.check().status().equals("UP"));
        Await.until("the committed project applied",
                () -> DATABASE.physical("SELECT id FROM project WHERE name = 'Attic'") != null);
        assertEquals(1, projects.findByNameContainingOrderByName("Attic").size(), "the app reads it");
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
