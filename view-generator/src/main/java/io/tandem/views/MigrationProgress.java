package io.tandem.views;

/** Receives one line per step of a release, for the user to watch ({@code tandem migrate} prints them). */
@FunctionalInterface
public interface MigrationProgress {
    void step(String message);

    /** Ignores progress. */
    MigrationProgress SILENT = message -> { };
}
