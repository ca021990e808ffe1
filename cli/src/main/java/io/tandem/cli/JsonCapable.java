package io.tandem.cli;

/** A subcommand that can print one JSON object instead of human-readable text. */
interface JsonCapable {
    /** Whether {@code --json} was given. */
    boolean json();
}
