package io.tandem.views;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** A version writes only its own journal rows because only its role may: two versions never share a role. */
    @Test
    void aNamingThatGivesTwoVersionsOneRoleIsRefused() throws Exception {
        IllegalArgumentException pattern = assertThrows(IllegalArgumentException.class,
                () -> RoleNaming.pattern("%s_rw"));
        assertTrue(pattern.getMessage().contains("gives every version of an app the same role"), pattern.getMessage());
        ViewGenerator shared = new ViewGenerator((app, version) -> app + "_rw");
        IllegalArgumentException generating = assertThrows(IllegalArgumentException.class,
                () -> shared.statements(null, Shop.v1()));
        assertTrue(generating.getMessage().contains("gives shop version 1 and version 2 the same role, shop_rw"),
                generating.getMessage());
    }
}
