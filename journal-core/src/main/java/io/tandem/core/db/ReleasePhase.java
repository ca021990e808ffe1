package io.tandem.core.db;

import java.util.Locale;

/**
 * Where an online release of an app stands ({@code tandem.releases.phase}); docs/releases.md describes each.
 *
 * <p>Before {@link #SWITCHED} the live schema is untouched and the release can be aborted; from it on the release's
 * tables are live and the previous ones are kept, maintained, until the release is finished or reverted.
 */
public enum ReleasePhase {
    /** The affected tables are being copied into the build schema from one snapshot. */
    COPYING,
    /** The copy is complete; the release's migrations are run on the build schema. */
    MIGRATING,
    /** The build is complete; the release track projects the journal onto it until it has caught up. */
    CATCHING_UP,
    /** The build is live; the previous tables are kept, maintained, in the previous schema. */
    SWITCHED;

    /** The value stored in {@code tandem.releases.phase}. */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReleasePhase of(String sql) {
        return valueOf(sql.toUpperCase(Locale.ROOT));
    }
}
