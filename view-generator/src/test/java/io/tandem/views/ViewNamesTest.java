package io.tandem.views;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Names PostgreSQL would truncate, or that are not plain identifiers, are refused before any SQL is generated. */
class ViewNamesTest {
    private final ViewGenerator generator = new ViewGenerator(RoleNaming.pattern("%s_v%d_viewtest"));

    @Test
    void namesThatWouldBeTruncatedAreRefused() {
        String longApp = "a".repeat(60);
        assertThrows(IllegalArgumentException.class, () -> generator.dropStatements(longApp, 1));
        assertThrows(IllegalArgumentException.class, () -> RoleNaming.pattern("%s-v%d"));
        assertThrows(IllegalArgumentException.class, () -> generator.dropStatements("Shop", 1));
    }
}
