package io.tandem.examples.tasks;

import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app's repositories, tested the way Spring Data JPA apps test them ({@code @DataJpaTest}: each test one
 * transaction, rolled back at its end), on Tandem as the app's login. So everything a test reads it wrote in its
 * own transaction, which the applier never sees: the views overlay the transaction's own journal rows. Subclasses
 * choose the database, and so the physical schema underneath, and carry the test slice's annotations (their
 * packages differ between Spring Boot 4 and 3; this class is the same on both). The test slice's transaction is
 * declared here too: Spring looks for it on the class that declares each test method.
 */
@Transactional
abstract class RepositoriesTest {
    private static final LocalDate MONDAY = LocalDate.of(2026, 11, 30);

    @Autowired
    ProjectRepository projects;
    @Autowired
    TaskRepository tasks;
    @Autowired
    LabelRepository labels;
    @Autowired
    EntityManager entities;

    abstract TasksDatabase database();

    @Test
    void aProjectsTasksAreItsOneToMany() {
        Project project = new Project("Roof", "Ada Lovelace", "ada@example.com");
        project.add(new Task("Order tiles", MONDAY));
        project.add(new Task("Hire roofer", MONDAY.plusDays(3)));
        project.add(new Task("Pay roofer", MONDAY.plusDays(10)));
        long id = projects.save(project).getId();
        entities.flush();
        entities.clear();

        Project read = projects.findById(id).orElseThrow();
        assertEquals(List.of("Order tiles", "Hire roofer", "Pay roofer"),
                read.getTasks().stream().map(Task::getTitle).toList());
        assertEquals("ada@example.com", read.getOwnerEmail());
        assertEquals(3, tasks.countByProjectId(id));
    }

    @Test
    void labelsAreAManyToMany() {
        Label urgent = labels.save(new Label("urgent"));
        Label outside = labels.save(new Label("outside"));
        Project project = new Project("Garden", "Grace Hopper", "grace@example.com");
        Task mow = project.add(new Task("Mow", MONDAY));
        mow.getLabels().addAll(List.of(urgent, outside));
        project.add(new Task("Plant", MONDAY)).getLabels().add(outside);
        project.add(new Task("Plan", MONDAY));
        projects.save(project);
        entities.flush();
        entities.clear();

        assertEquals(List.of("Mow", "Plant"), titles(tasks.findByLabelsNameOrderByTitle("outside")));
        assertEquals(List.of("Mow"), titles(tasks.findByLabelsNameOrderByTitle("urgent")));

        Task reread = tasks.findById(mow.getId()).orElseThrow();
        reread.getLabels().removeIf(l -> l.getName().equals("urgent"));
        entities.flush();
        entities.clear();
        assertEquals(List.of(), titles(tasks.findByLabelsNameOrderByTitle("urgent")), "a removed link is gone");
    }

    @Test
    void openTasksComePageByPage() {
        Project project = new Project("Move", "Ada Lovelace", "ada@example.com");
        for (int day = 0; day < 25; day++) {
            Task task = project.add(new Task("Step " + day, MONDAY.plusDays(day)));
            task.setDone(day % 5 == 0);
        }
        long id = projects.save(project).getId();
        entities.flush();

        Page<Task> first = tasks.findByProjectIdAndDoneFalseOrderByDueAsc(id, PageRequest.of(0, 8));
        assertEquals(20, first.getTotalElements());
        assertEquals(3, first.getTotalPages());
        assertEquals(List.of("Step 1", "Step 2", "Step 3", "Step 4", "Step 6", "Step 7", "Step 8", "Step 9"),
                titles(first.getContent()));
        Page<Task> last = tasks.findByProjectIdAndDoneFalseOrderByDueAsc(id, first.nextPageable().next());
        assertEquals(List.of("Step 21", "Step 22", "Step 23", "Step 24"), titles(last.getContent()));
    }

    @Test
    void queriesJoinAProjectsOwnerAndPage() {
        for (int i = 0; i < 7; i++) {
            Project p = new Project("Errand " + i, "Edsger Dijkstra", i < 5 ? "ewd@example.com" : "other@example.com");
            p.add(new Task("Due before Monday " + i, MONDAY.minusDays(1 + i)));
            p.add(new Task("Due after Monday " + i, MONDAY.plusDays(1)));
            projects.save(p);
        }
        entities.flush();

        Page<Project> page = projects.findByOwnerEmail("ewd@example.com", PageRequest.of(1, 3));
        assertEquals(5, page.getTotalElements());
        assertEquals(2, page.getContent().size());
        assertEquals(5, tasks.overdueFor("ewd@example.com", MONDAY).size());
        assertEquals("Due before Monday 4", tasks.overdueFor("ewd@example.com", MONDAY).get(0).getTitle(),
                "the most overdue first");
    }

    @Test
    void whatATestWritesStaysInItsTransaction() throws Exception {
        long id = projects.save(new Project("Secret", "Alan Turing", "alan@example.com")).getId();
        entities.flush();
        assertTrue(projects.findById(id).isPresent(), "the transaction reads its own write");
        assertNull(database().physical("SELECT name FROM project WHERE id = " + id),
                "nothing reaches the tables before the commit (and the test's transaction rolls back)");
    }

    private static List<String> titles(List<Task> list) {
        return list.stream().map(Task::getTitle).toList();
    }
}
