package io.tandem.core.definitions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlIdentifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "_", "customer", "full_name", "v2", "order", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"})
    void acceptsLowercaseNamesUpTo63Characters(String name) {
        assertEquals(name, SqlIdentifier.of(name).name());
        assertEquals('"' + name + '"', SqlIdentifier.of(name).quoted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Customer", "fullName", "1abc", "full-name", "a b", "a\"b", "a.b", "é",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"})
    void rejectsEverythingElse(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlIdentifier.of(name));
        assertTrue(e.getMessage().contains("'" + name + "' is not a valid name: use lowercase"), e.getMessage());
    }

    @Test
    void qualifiedNames() {
        QualifiedName plain = QualifiedName.parse("customer");
        assertNull(plain.schema());
        assertEquals("\"customer\"", plain.quoted());
        assertEquals("customer", plain.toString());
        QualifiedName qualified = QualifiedName.parse("shop.customer");
        assertEquals(SqlIdentifier.of("shop"), qualified.schema());
        assertEquals("\"shop\".\"customer\"", qualified.quoted());
        assertEquals("shop.customer", qualified.toString());
        for (String bad : new String[] {"a.b.c", "shop.", ".customer", "Shop.customer", "shop.Customer", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QualifiedName.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "' is not a valid table name"), e.getMessage());
        }
    }
}
