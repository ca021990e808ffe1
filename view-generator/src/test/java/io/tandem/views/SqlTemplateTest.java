package io.tandem.views;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How generated SQL is laid out from a template: values line up under their slot, empty optional lines vanish. */
class SqlTemplateTest {
    @Test
    void aMultiLineValueLinesUpUnderItsSlot() {
        String template = """
                BEGIN
                    ${steps}
                    x := (${select}) + 1;
                END""";
        assertEquals("""
                BEGIN
                    a;
                    b;
                    x := (SELECT 1
                            FROM t) + 1;
                END""", SqlTemplate.fill(template, Map.of("steps", "a;\nb;", "select", "SELECT 1\n  FROM t")));
    }

    @Test
    void anEmptyValueAloneOnItsLineRemovesTheLine() {
        assertEquals("a\nc", SqlTemplate.fill("a\n    ${optional}\nc", Map.of("optional", "")));
        assertEquals("a () c", SqlTemplate.fill("a (${inline}) c", Map.of("inline", "")));
    }

    @Test
    void valuesAreNotScannedForSlots() {
        assertEquals("SELECT '${x}'", SqlTemplate.fill("SELECT ${read}", Map.of("read", "'${x}'")));
    }

    @Test
    void aMissingValueOrAnUnusedValueIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.fill("${a} ${b}", Map.of("a", "1")));
        assertThrows(IllegalArgumentException.class, () -> SqlTemplate.fill("${a}", Map.of("a", "1", "c", "2")));
    }
}
