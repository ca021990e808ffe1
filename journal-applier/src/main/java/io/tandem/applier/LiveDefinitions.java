package io.tandem.applier;

import io.tandem.core.db.TrackRow;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.EntryCheck;

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
 *
 * <p>{@code checked} are the versions journal entries are held to ({@link EntryCheck}), {@code versions} those
 * projected: the same for the live track; a release track projects only the write items on its tables, so an entity
 * whose tables the release leaves alone has nothing to project there — and is not read-only for that.
 */
record LiveDefinitions(long generation, List<VersionDefinition> checked, List<VersionDefinition> versions,
                       TableLinks links) {

    static LiveDefinitions load(Connection c, String app) throws SQLException {
        long generation = TrackRow.live(app).generation(c);
        return of(c, generation, VersionRegistry.live(c, app));
    }

    /**
     * {@code written} under {@code generation}, each write item's table qualified as {@code c} resolves it
     * ({@link TrustedPath}), with the foreign keys among their tables.
     */
    static LiveDefinitions of(Connection c, long generation, List<VersionDefinition> written) throws SQLException {
        return of(c, generation, written, written);
    }

    /** {@code projected} as {@link #of(Connection, long, List)} has it, entries held to {@code checked}. */
    static LiveDefinitions of(Connection c, long generation, List<VersionDefinition> checked,
                              List<VersionDefinition> projected) throws SQLException {
        List<VersionDefinition> versions = TrustedPath.qualify(c, projected);
        List<String> tables = versions.stream().flatMap(v -> v.entities().values().stream())
                .flatMap(e -> e.writes().stream()).map(w -> w.tableName().quoted()).distinct().toList();
        return new LiveDefinitions(generation, checked, versions, TableLinks.load(c, tables));
    }

    RowDecoder decoder(String app) {
        return new EntryDecoder(app, checked);
    }

    Projection projection() {
        return new SqlProjection(versions, links);
    }
}
