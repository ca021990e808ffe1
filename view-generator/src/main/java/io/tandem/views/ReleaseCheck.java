package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;
import org.flywaydb.core.api.FlywayException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Release preparation on a scratch database ({@code tandem views check|generate}): the release's migrations
 * applied to a throwaway database, so its definitions are checked — and its views written out — against exactly
 * the physical schema the release will produce, without touching a live database.
 */
public final class ReleaseCheck {
    private final DataSource scratch;
    private final Release release;

    private ReleaseCheck(DataSource scratch, Release release) {
        this.scratch = scratch;
        this.release = release;
    }

    /** Applies every migration of {@code release} to the empty {@code scratch} database. */
    public static ReleaseCheck prepare(DataSource scratch, Release release) {
        try {
            AppFlyway.of(scratch, release).migrate();
        } catch (FlywayException e) {
            throw new TandemException("The migrations of app '" + release.app() + "' do not apply to an empty"
                    + " database: " + MigrationFailure.cause(release, e), e);
        }
        return new ReleaseCheck(scratch, release);
    }

    /** Lint of every version of the release against the migrated scratch schema; empty when all is well. */
    public List<LintProblem> lint() throws SQLException {
        try (Connection c = scratch.getConnection()) {
            return new Lint().check(c, release.versions());
        }
    }

    /** Per version, the reviewable SQL of its views and grants. */
    public Map<Integer, String> scripts(ViewGenerator views) throws SQLException {
        Map<Integer, String> scripts = new LinkedHashMap<>();
        try (Connection c = scratch.getConnection()) {
            for (VersionDefinition v : release.versions()) {
                scripts.put(v.version(), views.script(c, v));
            }
        }
        return scripts;
    }
}
