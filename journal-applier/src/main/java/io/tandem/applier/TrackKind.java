package io.tandem.applier;

/** The tracks an {@link Applier} runs ({@link ApplierConfig#tracks}); docs/applier.md, "Tracks". */
public enum TrackKind {
    /** The journal into the live tables through the live versions. */
    LIVE,
    /**
     * The journal into the tables of an online release in progress (the build, then the previous tables), never
     * past the live position; idle when no release is in progress.
     */
    RELEASE
}
