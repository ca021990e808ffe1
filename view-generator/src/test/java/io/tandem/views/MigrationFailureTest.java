package io.tandem.views;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The script line a database error position falls on, counted past the comments Flyway sends with a statement. */
class MigrationFailureTest {
    private static final String STATEMENT = """
            -- a comment before the statement
            /* and a block
               comment */
            ALTER TABLE customer
                ADD COLUMN first_name text,
                ADD COLUMN last_name  txet""";

    @Test
    void anErrorPositionIsTheLineItFallsOn() {
        int start = 12; // the line of ALTER in the script
        assertEquals(start + 2, MigrationFailure.errorLine(STATEMENT, start, STATEMENT.indexOf("txet") + 1));
        assertEquals(start, MigrationFailure.errorLine(STATEMENT, start, STATEMENT.indexOf("ALTER") + 1));
    }

    @Test
    void withoutAPositionItIsTheStatementsLine() {
        assertEquals(12, MigrationFailure.errorLine(STATEMENT, 12, 0));
        assertEquals(12, MigrationFailure.errorLine(null, 12, 5));
        assertEquals(12, MigrationFailure.errorLine(STATEMENT, 12, STATEMENT.length() + 1));
    }
}
