package io.tandem.examples.tasks;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.NoSuchElementException;

/** The app's use cases, one transaction each. */
@Service
public class Planner {
    private final ProjectRepository projects;
    private final TaskRepository tasks;
    private final LabelRepository labels;

    public Planner(ProjectRepository projects, TaskRepository tasks, LabelRepository labels) {
        this.projects = projects;
        this.tasks = tasks;
        this.labels = labels;
    }

    /** Starts a project; returns its id. */
    @Transactional
    public long startProject(String name, String ownerName, String ownerEmail) {
        return projects.save(new Project(name, ownerName, ownerEmail)).getId();
    }

    /** Adds a task with the given labels (created on first use) to a project; returns the task's id. */
    @Transactional
    public long addTask(long projectId, String title, LocalDate due, String... labelNames) {
        Project project = projects.findById(projectId)
                .orElseThrow(() -> new NoSuchElementException("no project " + projectId));
        Task task = project.add(new Task(title, due));
        for (String name : labelNames) {
            task.getLabels().add(labels.findByName(name).orElseGet(() -> labels.save(new Label(name))));
        }
        projects.flush();
        return task.getId();
    }

    /** Marks a task done. */
    @Transactional
    public void finish(long taskId) {
        tasks.findById(taskId).orElseThrow(() -> new NoSuchElementException("no task " + taskId)).setDone(true);
    }

    /** Hands a project to another owner. */
    @Transactional
    public void handOver(long projectId, String ownerName, String ownerEmail) {
        projects.findById(projectId).orElseThrow(() -> new NoSuchElementException("no project " + projectId))
                .setOwner(ownerName, ownerEmail);
    }
}
