package io.tandem.examples.tasks;

import org.springframework.boot.test.autoconfigure.orm.jpa.DataJpaTest;
import org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureTestDatabase;
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
