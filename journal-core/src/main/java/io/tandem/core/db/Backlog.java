package io.tandem.core.db;

/**
 * The committed journal rows of an app (optionally of one version) that the applier has not applied yet, as
 * {@link TrackRow#backlog} reads them against the live position: exact, in one statement.
 *
 * @param rows       how many
 * @param oldestMillis age of the oldest of them, 0 when there are none
 */
public record Backlog(long rows, long oldestMillis) {
}
