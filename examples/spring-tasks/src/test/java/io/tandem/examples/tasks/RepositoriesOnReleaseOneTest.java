package io.tandem.examples.tasks;

import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The repositories on release 1: each entity is its table. */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class RepositoriesOnReleaseOneTest extends RepositoriesTest {
    static final TasksDatabase DATABASE = TasksDatabase.named("release_one", TasksDatabase.RELEASE_1);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        DATABASE.connectApp(properties);
    }

    @Override
    TasksDatabase database() {
        return DATABASE;
    }
}
