package io.tandem.core.journal;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of docs/journal-format.md ("Rules per op"), each failure naming the entry and what to fix. */
class EntryCheckTest {
    private static final VersionDefinition V1 = new DefinitionReader()
            .read(Path.of("src/test/resources/definitions/valid/entry-check.yaml"));

    @Test
    void wellFormedEntriesOfEveryOpPass() {
        assertEquals("customer", EntryCheck.check(V1, JournalEntry.insert("shop", 1, "customer", Map.of("id", 1L),
                Map.of("id", 1L, "email", "a@x", "total", 5, "seen", Instant.EPOCH))).name());
        EntryCheck.check(V1, JournalEntry.update("shop", 1, "customer", Map.of("id", 1),
                Map.of("total", new BigDecimal("1.50")), List.of("total")));
        EntryCheck.check(V1, JournalEntry.update("shop", 1, "customer", Map.of("id", 1L), Map.of("email", "b@x"),
                null));
        EntryCheck.check(V1, JournalEntry.delete("shop", 1, "customer", Map.of("id", 1L)));
    }

    @Test
    void eachBrokenRuleNamesTheEntryAndTheField() {
        Map<String, JournalEntry> bad = Map.of(
                "has no entity 'customr' (entities: customer, report)",
                JournalEntry.delete("shop", 1, "customr", Map.of("id", 1L)),
                "read-only", JournalEntry.delete("shop", 1, "report", Map.of("id", 1L)),
                "key field 'id' is missing or null", JournalEntry.delete("shop", 1, "customer", Map.of()),
                "data has field 'phone', which the entity does not declare",
                JournalEntry.insert("shop", 1, "customer", Map.of("id", 1L), Map.of("id", 1L, "phone", "1")),
                "field 'id' is declared bigint but the value is a String (two); pass a Long",
                JournalEntry.insert("shop", 1, "customer", Map.of("id", 1L), Map.of("id", "two")),
                "a delete carries no data", new JournalEntry("shop", 1, "customer", Op.DELETE, Map.of("id", 1L),
                        Map.of("email", "a@x"), null, null),
                "an update needs data", new JournalEntry("shop", 1, "customer", Op.UPDATE, Map.of("id", 1L), null,
                        List.of("email"), null),
                "changed names 'email', which is not in data",
                JournalEntry.update("shop", 1, "customer", Map.of("id", 1L), Map.of("total", 1), List.of("email")));
        bad.forEach((why, entry) -> {
            TandemException e = assertThrows(TandemException.class, () -> EntryCheck.check(V1, entry), why);
            assertTrue(e.getMessage().contains(why), e.getMessage());
            assertTrue(e.getMessage().startsWith(entry.op().sql() + " of shop v1 entity '" + entry.entity() + "' key "),
                    e.getMessage());
        });
    }

    @Test
    void anEntryOfAnotherVersionIsTheCallersMistake() {
        assertThrows(IllegalArgumentException.class,
                () -> EntryCheck.check(V1, JournalEntry.delete("shop", 2, "customer", Map.of("id", 1L))));
    }
}
