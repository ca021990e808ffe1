package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static io.tandem.views.OnlineReleaseTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A version retired after an online release switched stays retired when the release is reverted: the revert brings
 * back the previous definitions of the versions still live, not of every version live at the switch.
 */
@PostgresTest
class RetireAfterSwitchTest {

    @Test
    void aRevertLeavesAVersionRetiredSinceTheSwitchRetired(TestDatabase db) throws Exception {
        Shop.releaseWithCustomers(db, 100);
        try (Applier both = Applier.start(new ApplierConfig(db.newPool(8), "shop"))) {
            assertEquals("online", new Migrator(db.newPool(10)).migrate(Release.load(MigrateTest.RELEASE_2)).mode());
            assertEquals(List.of(), new Migrator(db.newPool(4)).migrate(Release.load(MigrateTest.RELEASE_2))
                    .migrationsApplied(), "the same release again: already switched, nothing applied by this run");
            new Retirer(db.dataSource(), new ViewGenerator()).retire("shop", 1);
            new ReleaseControl(db.dataSource()).revert("shop");
        }
        try (Connection c = db.connect()) {
            assertEquals(List.of(2), VersionRegistry.liveNumbers(c, "shop"));
        }
        assertEquals(0, count(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'shop_v1'"),
                "version 1's views stay dropped");
        assertEquals(100, count(db, "SELECT count(*) FROM shop_v2.customer"),
                "version 2 reads the previous tables through its previous definition");
        assertEquals(1, count(db, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = 'customer' AND column_name = 'full_name'"), "the previous tables are live");
    }
}
