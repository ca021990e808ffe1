package io.tandem.applier;

import io.tandem.core.VersionDefinition;
import io.tandem.core.VersionRegistry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The definitions an applier run works with: the app's live versions from {@code tandem.versions} and their
 * generation, compiled into a decoder and a projection.
 *
 * <p>The generation is read <em>before</em> the versions: if {@code tandem migrate} commits in between, the run has
 * newer versions under an older generation and simply reloads once more; the other order could pair old versions
 * with the new generation and never reload.
 */
record LiveDefinitions(long generation, List<VersionDefinition> versions) {

    static LiveDefinitions load(Connection c, String app) throws SQLException {
        long generation = VersionRegistry.generation(c, app);
        return new LiveDefinitions(generation, VersionRegistry.live(c, app));
    }

    RowDecoder decoder(String app) {
        return new EntryDecoder(app, versions);
    }

    Projection projection() {
        return new SqlProjection(versions);
    }
}
