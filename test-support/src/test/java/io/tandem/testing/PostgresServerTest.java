package io.tandem.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a server given by URL ({@code TANDEM_TEST_PG_URL}) names each test class's database and finds its login. */
class PostgresServerTest {

    @Test
    void externalUrlsGetTheDatabaseNameSwapped() {
        PostgresServer.Jdbc server = new PostgresServer.Jdbc("jdbc:postgresql://127.0.0.1:5432/postgres?sslmode=disable", "u", "p");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/t_x?sslmode=disable", server.urlFor("t_x"));
        PostgresServer.Jdbc bare = new PostgresServer.Jdbc("jdbc:postgresql://localhost", "u", "p");
        assertEquals("jdbc:postgresql://localhost/t_x", bare.urlFor("t_x"));
        PostgresServer.Jdbc fromUrl = new PostgresServer.Jdbc("jdbc:postgresql://h/db?user=alice&password=s%26cret", null, null);
        assertEquals("alice", fromUrl.user());
        assertEquals("s&cret", fromUrl.password());
    }
}
