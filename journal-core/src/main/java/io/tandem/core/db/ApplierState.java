package io.tandem.core.db;

import java.util.Locale;

/**
 * Where an applier stands, as the applier reports it ({@code Applier.state()}), as {@code /health} and
 * {@code tandem status} show it, and as {@code tandem.applier_state.state} stores it ({@link TrackRow}).
 */
public enum ApplierState {
    /** Waiting for the lead: another applier of the same app holds it. */
    STANDBY,
    /** Leading and applying the journal. */
    RUNNING,
    /** Leading, held at a batch boundary by {@code tandem migrate}. */
    PAUSED,
    /** Stopped before a source transaction it could not apply; see the halted reason. */
    HALTED,
    /** Not running. */
    STOPPED;

    /** The value stored in {@code tandem.applier_state.state} (standby is never stored). */
    public String sql() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state stored as {@code sql} in {@code tandem.applier_state.state}. */
    public static ApplierState of(String sql) {
        return valueOf(sql.toUpperCase(Locale.ROOT));
    }
}
