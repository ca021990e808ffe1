package io.tandem.core.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Snapshot}'s text form and visibility rule ({@link SnapshotDatabaseTest} compares it with PostgreSQL's). */
class SnapshotTest {

    @Test
    void parsesAndPrintsTheTextForm() {
        Snapshot s = Snapshot.parse("733:740:736,734");
        assertEquals("733:740:734,736", s.toString());
        assertEquals(Snapshot.parse("733:740:734,736"), s);
        assertEquals("1:1:", Snapshot.ORIGIN.toString());
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("733:740"));
        assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("a:b:"));
    }

    @Test
    void seesFinishedTransactionsBelowXmaxNotInProgress() {
        assertTrue(Snapshot.parse("10:20:15").isVisible(14));
        assertFalse(Snapshot.ORIGIN.isVisible(3));
    }
}
