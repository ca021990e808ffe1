package io.tandem.applier;

import io.tandem.core.DefinitionReader;
import io.tandem.core.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
        long generation;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT definitions_generation FROM tandem.applier_state WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                generation = rs.next() ? rs.getLong(1) : 0;
            }
        }
        List<VersionDefinition> versions = new ArrayList<>();
        DefinitionReader reader = new DefinitionReader();
        try (PreparedStatement s = c.prepareStatement("SELECT source, source_file FROM tandem.versions"
                + " WHERE app = ? AND retired_at IS NULL ORDER BY version")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.add(reader.read(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return new LiveDefinitions(generation, List.copyOf(versions));
    }

    RowDecoder decoder(String app) {
        return new EntryDecoder(app, versions);
    }

    Projection projection() {
        return new SqlProjection(versions);
    }
}
