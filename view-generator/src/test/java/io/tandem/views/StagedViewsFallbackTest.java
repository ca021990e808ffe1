package io.tandem.views;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A definition that names, schema-qualified, a table the switch moves out cannot have its views created before the
 * switch (they would follow the old table out): the switch says so and recreates them while it holds the views, so
 * that they read the table that is live after it.
 */
@PostgresTest
class StagedViewsFallbackTest {
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aDefinitionNamingAMovedTableByItsSchemaHasItsViewsRecreatedWhileHeld(TestDatabase db, @TempDir Path dir)
            throws Exception {
        Release r2 = StagedViewsTest.releases(db, dir, StagedViewsTest.V2 + StagedViewsTest.LEGACY);
        try (Applier applier = Applier.start(new ApplierConfig(db.newPool(8), "stage"))) {
            MigrationReport report = new Migrator(db.dataSource()).progress(progress::add).migrate(r2);
            assertEquals("online", report.mode());
        }
        assertTrue(progress.stream().anyMatch(step -> step.startsWith("Switch: the views are recreated while the"
                + " switch holds them, not before: ") && step.contains("view stage_v2.legacy reads public.item")),
                String.join("\n", progress));
        assertEquals(1, OnlineReleaseTest.count(db, "SELECT count(DISTINCT d.refobjid) FROM pg_depend d"
                + " JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                + " WHERE r.ev_class = 'stage_v2.legacy'::regclass AND d.refobjid = 'public.item'::regclass"),
                "the view reads the table that is live after the switch");
    }

}
