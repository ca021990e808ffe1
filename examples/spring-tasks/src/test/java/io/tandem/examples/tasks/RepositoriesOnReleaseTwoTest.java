package io.tandem.examples.tasks;

import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same repositories, unchanged, on a database taken through release 2, which moved a project's owner into a
 * table of its own: version 1's views map the owner's fields onto it.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class RepositoriesOnReleaseTwoTest extends RepositoriesTest {
    static final TasksDatabase DATABASE = TasksDatabase.named("release_two", TasksDatabase.RELEASE_1, TasksDatabase.RELEASE_2);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        DATABASE.connectApp(properties);
    }

    @Override
    TasksDatabase database() {
        return DATABASE;
    }
}
