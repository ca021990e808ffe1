package io.tandem.core.db;

import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The online release in progress of an app, as stored in its row of {@code tandem.releases}: its phase, where it is
 * built and where the previous tables are kept, the definitions each side is projected through, and how far the
 * release track has projected the journal.
 *
 * <p>One release at a time per app: the row exists from the start of the build until the release is finished,
 * reverted or aborted. {@code tandem migrate} writes it; the applier's release track reads it to know what to
 * project where.
 *
 * @param movedIn             the relations the switch moved from the build into the live schema (empty before)
 * @param definitions         the release's versions (what the build is projected through)
 * @param previousDefinitions the versions the previous tables are projected through after the switch (empty before)
 * @param position            the release track's position, same meaning as the live applier's
 * @param state               the release track's state, as the live applier's
 */
public record ReleaseState(String app, ReleasePhase phase, String liveSchema, String buildSchema,
                           String previousSchema, String releaseDir, String fingerprint, List<String> tables,
                           List<String> newTables, List<String> migrations, List<String> movedIn,
                           List<VersionDefinition> definitions,
                           List<VersionDefinition> previousDefinitions, long copiedRows, long copyTotalRows,
                           Instant startedAt, Instant switchedAt, boolean paused, ApplierPosition position,
                           long appliedRows, ApplierState state, String haltedReason, long definitionsGeneration) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The app's release in progress, if any. */
    public static Optional<ReleaseState> find(Connection c, String app) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT phase, live_schema, build_schema, previous_schema,"
                + " release_dir, fingerprint, tables, new_tables, migrations, moved_in, definitions::text,"
                + " previous_definitions::text, copied_rows, copy_total_rows, started_at, switched_at, paused,"
                + " applied_snapshot::text, batch_snapshot::text, batch_done_seq, applied_rows, state, halted_reason,"
                + " definitions_generation FROM tandem.releases WHERE app = ?")) {
            s.setString(1, app);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ReleaseState(app, ReleasePhase.of(rs.getString(1)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), strings(rs.getArray(7)),
                        strings(rs.getArray(8)), strings(rs.getArray(9)), strings(rs.getArray(10)),
                        definitions(rs.getString(11)), definitions(rs.getString(12)), rs.getLong(13), rs.getLong(14),
                        instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)), rs.getBoolean(17),
                        ApplierPosition.parse(rs.getString(18), rs.getString(19), rs.getLong(20)), rs.getLong(21),
                        ApplierState.of(rs.getString(22)), rs.getString(23), rs.getLong(24)));
            }
        }
    }

    /** The schema the release track projects onto in this phase: the build before the switch, the previous after. */
    public String trackSchema() {
        return phase == ReleasePhase.SWITCHED ? previousSchema : buildSchema;
    }

    /** The definitions the release track projects through in this phase. */
    public List<VersionDefinition> trackDefinitions() {
        return phase == ReleasePhase.SWITCHED ? previousDefinitions : definitions;
    }

    /** Whether the release track should be projecting now: the build is complete, or the release has switched. */
    public boolean tracked() {
        return !paused && (phase == ReleasePhase.CATCHING_UP || phase == ReleasePhase.SWITCHED);
    }

    /** Definitions as stored in {@code tandem.releases}: a JSON array of {@code {source_file, source}}. */
    public static String definitionsJson(List<VersionDefinition> versions) {
        ArrayNode array = JSON.createArrayNode();
        for (VersionDefinition v : versions) {
            array.addObject().put("source_file", v.sourceFile()).put("source", v.source());
        }
        return array.toString();
    }

    private static List<VersionDefinition> definitions(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        try {
            DefinitionReader reader = new DefinitionReader();
            List<VersionDefinition> versions = new ArrayList<>();
            for (var node : JSON.readTree(json)) {
                versions.add(reader.read(node.get("source").asText(), node.get("source_file").asText()));
            }
            return List.copyOf(versions);
        } catch (java.io.IOException e) {
            throw new SQLException("tandem.releases holds definitions that are not JSON: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
