package io.tandem.views;

/**
 * How long a switch (or a revert) held things: the live applier, from the pause lock to the commit (including the
 * wait for the release track's last rows), and the views — the catalog work, the only part a reader or writer
 * through the views may wait for.
 */
public record SwitchTime(long applierMillis, long viewsMillis) {
}
