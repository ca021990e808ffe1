package io.tandem.views;

import java.util.Locale;

/**
 * Which way a switch exchanges an app's tables: forward to a release's build ({@code tandem migrate}), or back to
 * the tables the release replaced ({@code tandem release revert}). Both take the same steps — views staged, a quiet
 * moment, the hold — and their progress lines name which one is running.
 */
enum SwitchStep {
    SWITCH, REVERT;

    /** The step's name at the start of a progress line: "Switch", "Revert". */
    String heading() {
        String word = toString();
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** The step's name inside a sentence: "switch", "revert". */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
