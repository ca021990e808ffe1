package io.tandem.examples.tasks;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;

import java.util.ArrayList;
import java.util.List;

/** A project, owned by one person, with its tasks (one-to-many). */
@Entity
public class Project {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    @Column(name = "owner_name")
    private String ownerName;

    @Column(name = "owner_email")
    private String ownerEmail;

    @OneToMany(mappedBy = "project", cascade = CascadeType.ALL)
    @OrderBy("id")
    private List<Task> tasks = new ArrayList<>();

    protected Project() {
    }

    public Project(String name, String ownerName, String ownerEmail) {
        this.name = name;
        this.ownerName = ownerName;
        this.ownerEmail = ownerEmail;
    }

    /** Adds a task to this project (both sides of the association). */
    public Task add(Task task) {
        task.setProject(this);
        tasks.add(task);
        return task;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getOwnerName() {
        return ownerName;
    }

    public String getOwnerEmail() {
        return ownerEmail;
    }

    public void setOwner(String name, String email) {
        this.ownerName = name;
        this.ownerEmail = email;
    }

    public List<Task> getTasks() {
        return tasks;
    }
}
