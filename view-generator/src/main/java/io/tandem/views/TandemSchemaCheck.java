package io.tandem.views;

import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Refuses to generate views into a database whose Tandem schema is older than the views need: version 16, whose
 * {@code tandem.overlay_search_path} the write triggers call.
 *
 * <p>Why: PL/pgSQL resolves a function only when a statement first runs, so views generated onto an older schema
 * would be created without a complaint and fail at the app's first write. {@code tandem migrate} installs the
 * schema before it generates views; this check is for {@code tandem views generate} scripts and for callers of
 * {@link ViewGenerator} that do not.
 */
final class TandemSchemaCheck {
    /** True where Tandem's journal exists but the schema is older than 16; false where it is current or absent. */
    private static final String TOO_OLD = """
            SELECT pg_catalog.to_regclass('tandem.journal') IS NOT NULL
                   AND pg_catalog.to_regprocedure('tandem.overlay_search_path(text, text)') IS NULL""";

    private static final String WHAT_TO_DO = "Tandem's schema in this database is older than version 16, which the"
            + " views of %s version %d need: run `tandem migrate` (or TandemSchema.install) first, which installs it";

    /** The same check in a generated script, run by whoever runs the script. */
    private static final String IN_SCRIPT = """
            DO $tandem$
            BEGIN
                IF (${tooOld}) THEN
                    RAISE EXCEPTION ${message} USING ERRCODE = 'object_not_in_prerequisite_state';
                END IF;
            END
            $tandem$""";

    private TandemSchemaCheck() {
    }

    /** The check as a statement of a views script: it raises an error on a database whose schema is too old. */
    static String statement(VersionDefinition v) {
        return SqlTemplate.fill(IN_SCRIPT, Map.of("tooOld", TOO_OLD,
                "message", SqlLiteral.of(WHAT_TO_DO.formatted(v.app(), v.version()))));
    }

    /**
     * Passes where Tandem's schema is not installed at all (a scratch database a script is generated from).
     *
     * @throws MigrationRefusedException saying what to run
     */
    static void verify(Connection c, VersionDefinition v) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(TOO_OLD); ResultSet rs = s.executeQuery()) {
            if (rs.next() && rs.getBoolean(1)) {
                throw new MigrationRefusedException(v.app(), List.of(WHAT_TO_DO.formatted(v.app(), v.version())));
            }
        }
    }
}
