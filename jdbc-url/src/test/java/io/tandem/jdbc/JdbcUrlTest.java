package io.tandem.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JdbcUrlTest {

    /** Only the database changes; hosts, ports, IPv6 brackets and parameters stay as they were. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jdbc:postgresql://db.example:5433/shop?user=ada&ssl=true  | jdbc:postgresql://db.example:5433/other?user=ada&ssl=true
            jdbc:postgresql://localhost/shop                          | jdbc:postgresql://localhost/other
            jdbc:postgresql://localhost:5432                          | jdbc:postgresql://localhost:5432/other
            jdbc:postgresql://localhost/                              | jdbc:postgresql://localhost/other
            jdbc:postgresql://localhost?user=ada                      | jdbc:postgresql://localhost/other?user=ada
            jdbc:postgresql://[::1]:5432/shop                         | jdbc:postgresql://[::1]:5432/other
            jdbc:postgresql://a:5432,[fe80::1]:5433/shop?x=1          | jdbc:postgresql://a:5432,[fe80::1]:5433/other?x=1
            jdbc:postgresql://h/shop?sslrootcert=/etc/root.crt        | jdbc:postgresql://h/other?sslrootcert=/etc/root.crt
            jdbc:postgresql://h?sslrootcert=/etc/root.crt             | jdbc:postgresql://h/other?sslrootcert=/etc/root.crt
            jdbc:postgresql:shop                                      | jdbc:postgresql:other
            jdbc:postgresql:/?user=ada                                | jdbc:postgresql:other?user=ada
            """)
    void pointsTheUrlAtAnotherDatabase(String url, String expected) {
        assertEquals(expected, JdbcUrl.withDatabase(url, "other"));
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
