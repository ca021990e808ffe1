package io.tandem.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A partial run ({@code --only}) replaces its own sections of RESULTS.md and keeps the others where they were. */
class MergeSectionsTest {
    private static final String EARLIER = "# Title\n\nGenerated ...\n\n## Targets (x)\n\n| a |\n\n## Write path\n\nw1\n\n"
            + "## Migration stall\n\nm1\n\n### Detail\n\nd1\n\n## Read path\n\nr1\n\n---\n\n## Analysis\n\ntext\n";

    @Test
    void replacesTheSameHeadingInPlaceAndDropsTitleTargetsAndAnalysis() {
        String merged = BenchMain.mergeSections(EARLIER, "## Migration stall\n\nm2\n\n### Online release\n\no2\n\n");
        assertEquals("## Write path\n\nw1\n\n## Migration stall\n\nm2\n\n### Online release\n\no2\n\n## Read path\n\nr1\n\n",
                merged);
    }

    @Test
    void putsANewSectionAfterThePreviousFreshOne() {
        String merged = BenchMain.mergeSections(EARLIER, "## Migration stall\n\nm2\n\n## Revert\n\nv2\n\n");
        assertEquals("## Write path\n\nw1\n\n## Migration stall\n\nm2\n\n## Revert\n\nv2\n\n## Read path\n\nr1\n\n", merged);
    }
}
