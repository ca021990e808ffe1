package io.tandem.bench;

import io.tandem.testing.PostgresServer;
import io.tandem.testing.PostgresTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the whole driver in its tiny mode (seconds) on the test suite's PostgreSQL, so that {@code mvn verify}
 * keeps every benchmark compiling and working. The figures mean nothing at this size; the shape of the output does.
 */
@Tag(PostgresTest.TAG)
class BenchSmokeTest {
    @Test
    void tinyRunWritesEveryKeyFigure(@TempDir Path out) throws Exception {
        String url = PostgresServer.get().urlFor("postgres");
        String withUser = url + (url.contains("?") ? "&" : "?") + "user=postgres&password=postgres";
        if (System.getenv("TANDEM_TEST_PG_URL") != null) {
            withUser = System.getenv("TANDEM_TEST_PG_URL");
        }
        Results r = BenchMain.run(Params.tiny(Path.of("..")), withUser, out, BenchMain.ALL);
        for (String key : List.of("write_path_ratio", "write_path_ratio_e10", "applier_ratio", "overlay_read_ratio", "lag_p99_ms", "migration_max_write_stall_ms",
                "migration_reader_errors", "applier_peak_heap_mb", "read_path_ratio", "online_migration_max_write_stall_ms",
                "online_migration_max_read_stall_ms", "online_migration_switch_ms", "online_build_rows_per_s",
                "online_catch_up_rows", "online_release_revert_ms", "journal_bytes_max/journal_bytes_retention_window",
                "soak_write_ratio_last_first", "soak_applier_ratio_last_first")) {
            assertTrue(r.json.get(key) instanceof Number, key + " = " + r.json.get(key));
        }
        assertEquals(0L, ((Number) r.json.get("migration_reader_errors")).longValue(), "Tandem readers saw errors");
        String md = Files.readString(out.resolve("RESULTS.md"));
        assertTrue(md.contains("## Write path") && md.contains("## Read path") && md.contains("## Targets")
                && md.contains("### Online release") && md.contains("## Soak"), md);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"read_path_ratio\""));
        assertTrue(r.json.get("machine") instanceof Map);
    }
}
