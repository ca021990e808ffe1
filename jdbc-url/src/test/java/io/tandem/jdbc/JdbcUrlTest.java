package io.tandem.jdbc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JdbcUrlTest {

    @Test
    void replacesTheDatabaseAndKeepsHostPortAndParameters() {
        assertEquals("jdbc:postgresql://db.example:5433/other?user=ada&ssl=true",
                JdbcUrl.withDatabase("jdbc:postgresql://db.example:5433/shop?user=ada&ssl=true", "other"));
    }

    @Test
    void withoutParameters() {
        assertEquals("jdbc:postgresql://localhost/other", JdbcUrl.withDatabase("jdbc:postgresql://localhost/shop", "other"));
    }

    @Test
    void addsADatabaseToAUrlWithoutPath() {
        assertEquals("jdbc:postgresql://localhost:5432/other", JdbcUrl.withDatabase("jdbc:postgresql://localhost:5432",
                "other"));
        assertEquals("jdbc:postgresql://localhost/other", JdbcUrl.withDatabase("jdbc:postgresql://localhost/", "other"));
        assertEquals("jdbc:postgresql://localhost/other?user=ada",
                JdbcUrl.withDatabase("jdbc:postgresql://localhost?user=ada", "other"));
    }

    @Test
    void keepsBracketedIpv6AndSeveralHosts() {
        assertEquals("jdbc:postgresql://[::1]:5432/other", JdbcUrl.withDatabase("jdbc:postgresql://[::1]:5432/shop",
                "other"));
        assertEquals("jdbc:postgresql://a:5432,[fe80::1]:5433/other?targetServerType=primary", JdbcUrl.withDatabase(
                "jdbc:postgresql://a:5432,[fe80::1]:5433/shop?targetServerType=primary", "other"));
    }

    @Test
    void replacesTheDatabaseOfALocalUrl() {
        assertEquals("jdbc:postgresql:other", JdbcUrl.withDatabase("jdbc:postgresql:shop", "other"));
        assertEquals("jdbc:postgresql:other?user=ada", JdbcUrl.withDatabase("jdbc:postgresql:/?user=ada", "other"));
    }

    @Test
    void aParameterThatLooksLikeAPathIsNotTouched() {
        assertEquals("jdbc:postgresql://h/other?sslrootcert=/etc/ssl/root.crt",
                JdbcUrl.withDatabase("jdbc:postgresql://h/shop?sslrootcert=/etc/ssl/root.crt", "other"));
        assertEquals("jdbc:postgresql://h/other?sslrootcert=/etc/ssl/root.crt",
                JdbcUrl.withDatabase("jdbc:postgresql://h?sslrootcert=/etc/ssl/root.crt", "other"));
    }

    @Test
    void encodesTheDatabaseName() {
        assertEquals("jdbc:postgresql://h/a%24b+c", JdbcUrl.withDatabase("jdbc:postgresql://h/shop", "a$b c"));
    }

    @Test
    void rejectsWhatIsNotAPostgresqlUrl() {
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.withDatabase("jdbc:mysql://h/shop", "other"));
        assertThrows(IllegalArgumentException.class, () -> JdbcUrl.withDatabase("postgresql://h/shop", "other"));
    }
}
