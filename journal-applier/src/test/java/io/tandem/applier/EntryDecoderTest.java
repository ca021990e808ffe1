package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal row is decoded against the live definitions and held to the rules a JournalWriter checks before
 * writing; a row that breaks one comes back marked with the reason, never as an exception.
 */
class EntryDecoderTest {
    private final EntryDecoder decoder = new EntryDecoder("acct", List.of(AcctFixture.definition()));

    @Test
    void aRowThatFitsIsDecodedToTheDeclaredTypes() {
        JournalRow row = decoder.decode(7, 70, 1, "item", "update", "{\"id\": 1}", "{\"token\": \"a\"}",
                new String[]{"token"}, null);
        assertNull(row.problem());
        assertEquals(JournalEntry.update("acct", 1, "item", Map.of("id", 1L), Map.of("token", "a"),
                List.of("token")), row.entry());
    }

    @Test
    void aRowThatBreaksARuleIsMarkedWithTheReason() {
        Map<String, String[]> rows = Map.of(
                "app 'acct' has no live version 2 (live: [1])",
                new String[]{"2", "item", "delete", "{\"id\": 1}", null},
                "version 1 of app 'acct' has no entity 'nosuch'", new String[]{"1", "nosuch", "delete", "{}", null},
                "key field 'id' is missing or null", new String[]{"1", "item", "delete", "{}", null},
                "a delete carries no data", new String[]{"1", "item", "delete", "{\"id\": 1}", "{\"token\": \"a\"}"},
                "op 'upsert' is not one of", new String[]{"1", "item", "upsert", "{\"id\": 1}", null});
        rows.forEach((why, r) -> {
            JournalRow row = decoder.decode(7, 70, Integer.parseInt(r[0]), r[1], r[2], r[3], r[4], null, null);
            assertNull(row.entry(), why);
            assertTrue(row.problem().contains(why), row.problem());
        });
        JournalRow changed = decoder.decode(8, 80, 1, "item", "update", "{\"id\": 1}", "{}",
                new String[]{"token"}, null);
        assertEquals("update of acct v1 entity 'item' key {id=1}: changed names 'token', which is not in data;"
                + " put its new value in data", changed.problem());
    }
}
