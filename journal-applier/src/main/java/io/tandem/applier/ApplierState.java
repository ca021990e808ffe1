package io.tandem.applier;

import java.util.Locale;

/** Where an applier stands, as reported by {@link Applier#state()}, {@code /health} and {@code tandem status}. */
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
