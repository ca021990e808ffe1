package io.tandem.examples.tasks;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The tasks app: projects, their tasks and the tasks' labels, kept with Spring Data JPA. Nothing in it is
 * Tandem-specific: the starter and two properties ({@code tandem.app}, {@code tandem.version} in
 * application.properties) put it on its version's views, and it connects as a member of that version's role.
 */
@SpringBootApplication
public class TasksApplication {
    public static void main(String[] args) {
        SpringApplication.run(TasksApplication.class, args);
    }
}
