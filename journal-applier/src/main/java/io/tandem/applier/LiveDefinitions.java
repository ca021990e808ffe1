package io.tandem.applier;

import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The definitions an applier run works with: the app's live versions from {@code tandem.versions} and their
 * generation, compiled into a decoder and a projection, and the foreign keys among the tables they write.
 *
 * <p>The generation is read <em>before</em> the versions: if {@code tandem migrate} commits in between, the run has
 * newer versions under an older generation and simply reloads once more; the other order could pair old versions
 * with the new generation and never reload.
 */
record LiveDefinitions(long generation, List<VersionDefinition> versions, TableLinks links) {

    static LiveDefinitions load(Connection c, String app) throws SQLException {
        long generation = TrackRow.live(app).generation(c);
        return of(c, generation, VersionRegistry.live(c, app));
    }

    /**
     * {@code written} under {@code generation}, each write item's table qualified as {@code c} resolves it
     * ({@link TrustedPath}), with the foreign keys among their tables.
     */
    static LiveDefinitions of(Connection c, long generation, List<VersionDefinition> written) throws SQLException {
        List<VersionDefinition> versions = TrustedPath.qualify(c, written);
        List<String> tables = versions.stream().flatMap(v -> v.entities().values().stream())
                .flatMap(e -> e.writes().stream()).map(w -> w.tableName().quoted()).distinct().toList();
        return new LiveDefinitions(generation, versions, TableLinks.load(c, tables));
    }

    RowDecoder decoder(String app) {
        return new EntryDecoder(app, versions);
    }

    Projection projection() {
        return new SqlProjection(versions, links);
    }
}
