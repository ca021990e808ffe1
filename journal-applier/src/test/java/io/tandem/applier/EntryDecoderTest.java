package io.tandem.applier;

import io.tandem.core.DefinitionReader;
import io.tandem.core.JournalEntry;
import io.tandem.core.VersionDefinition;
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
    private static final VersionDefinition V1 = new DefinitionReader().read("""
            app: shop
            version: 1
            entities:
              customer:
                key: [id]
                from: customer c
                fields:
                  id:    { type: bigint, read: c.id }
                  email: { type: text, read: c.email }
                writes:
                  - table: customer
                    key: { id: ":id" }
                    set: { email: ":email" }
            """, "v1.yaml");

    private final EntryDecoder decoder = new EntryDecoder("shop", List.of(V1));

    @Test
    void aRowThatFitsIsDecodedToTheDeclaredTypes() {
        JournalRow row = decoder.decode(7, 70, 1, "customer", "update", "{\"id\": 1}", "{\"email\": \"a@x\"}",
                new String[]{"email"}, null);
        assertNull(row.problem());
        assertEquals(JournalEntry.update("shop", 1, "customer", Map.of("id", 1L), Map.of("email", "a@x"),
                List.of("email")), row.entry());
    }

    @Test
    void aRowThatBreaksARuleIsMarkedWithTheReason() {
        Map<String, String[]> rows = Map.of(
                "app 'shop' has no live version 2 (live: [1])",
                new String[]{"2", "customer", "delete", "{\"id\": 1}", null},
                "version 1 of app 'shop' has no entity 'nosuch'", new String[]{"1", "nosuch", "delete", "{}", null},
                "key field 'id' is missing or null", new String[]{"1", "customer", "delete", "{}", null},
                "a delete carries no data", new String[]{"1", "customer", "delete", "{\"id\": 1}", "{\"email\": \"a\"}"},
                "op 'upsert' is not one of", new String[]{"1", "customer", "upsert", "{\"id\": 1}", null});
        rows.forEach((why, r) -> {
            JournalRow row = decoder.decode(7, 70, Integer.parseInt(r[0]), r[1], r[2], r[3], r[4], null, null);
            assertNull(row.entry(), why);
            assertTrue(row.problem().contains(why), row.problem());
        });
        JournalRow changed = decoder.decode(8, 80, 1, "customer", "update", "{\"id\": 1}", "{}",
                new String[]{"email"}, null);
        assertEquals("update of shop v1 entity 'customer' key {id=1}: changed names 'email', which is not in data;"
                + " put its new value in data", changed.problem());
    }
}
