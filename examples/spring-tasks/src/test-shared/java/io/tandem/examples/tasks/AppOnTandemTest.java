package io.tandem.examples.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.spring.TandemHealthCheck;
import io.tandem.spring.TandemMetrics;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole app on Tandem through its Spring Boot starter, as its login: fenced commits, the starter's health
 * indicator and metrics, and a release that moves a project's owner into a table of its own while the app runs.
 * A fence that times out fails the test here (a generous timeout: a loaded machine is slow, not wrong).
 */
@SpringBootTest(properties = {"tandem.fence-timeout=60s", "tandem.fence-timeout-action=throw"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppOnTandemTest {
    static final TasksDatabase DATABASE = TasksDatabase.named("app", TasksDatabase.RELEASE_1);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        DATABASE.connectApp(properties);
    }

    @Autowired
    Planner planner;
    @Autowired
    ProjectRepository projects;
    @Autowired
    TandemHealthCheck health;
    @Autowired
    MeterRegistry meters;

    @Test
    @Order(1)
    void aCommitReturnsOnceApplied() throws Exception {
        long project = planner.startProject("Roof", "Ada Lovelace", "ada@example.com");
        assertEquals("ada@example.com", DATABASE.physical("SELECT owner_email FROM project WHERE id = " + project),
                "fenced: the applier had applied the commit when it returned");
        long task = planner.addTask(project, "Order tiles", LocalDate.of(2026, 12, 7), "urgent", "outside");
        assertEquals("outside,urgent", DATABASE.physical("SELECT string_agg(l.name, ',' ORDER BY l.name)"
                + " FROM task_label tl JOIN label l ON l.id = tl.label_id WHERE tl.task_id = " + task));

        assertTrue(meters.get(TandemMetrics.ROWS_WRITTEN).tag("app", "tasks").counter().count() >= 5,
                "a project, a task, two labels, two links");
        assertTrue(meters.get(TandemMetrics.FENCE_WAIT).tag("outcome", "applied").timer().count() >= 2);
    }

    @Test
    @Order(2)
    void healthIsUpWhileAnApplierLeads() {
        TandemHealthCheck.Report up = health.check();
        assertEquals("UP", up.status(), up.details().toString());
        assertEquals(true, up.details().get("leader"));
        assertEquals(0L, up.details().get("behindRows"));
    }

    @Test
    @Order(3)
    void aReleaseMovesTheOwnerIntoItsOwnTableWhileTheAppRuns() throws Exception {
        long project = planner.startProject("Garden", "Grace Hopper", "grace@example.com");
        DATABASE.release(TasksDatabase.RELEASE_2);

        assertEquals("grace@example.com", projects.findById(project).orElseThrow().getOwnerEmail(),
                "the same app reads the owner from where it moved");
        assertEquals("grace@example.com", DATABASE.physical("SELECT email FROM project_owner WHERE project_id = "
                + project));
        assertNull(DATABASE.physical("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = 'project'"
                + " AND column_name = 'owner_email'"), "the column is gone from project");

        planner.handOver(project, "Barbara Liskov", "barbara@example.com");
        assertEquals("Barbara Liskov barbara@example.com", DATABASE.physical("SELECT name || ' ' || email"
                + " FROM project_owner WHERE project_id = " + project), "the app's update went to the new table");
        long other = planner.startProject("Shed", "Alan Kay", "alan@example.com");
        assertEquals("Shed alan@example.com", DATABASE.physical("SELECT p.name || ' ' || o.email FROM project p"
                + " JOIN project_owner o ON o.project_id = p.id WHERE p.id = " + other));
    }

}
