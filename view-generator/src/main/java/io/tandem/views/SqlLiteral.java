package io.tandem.views;

/**
 * A SQL string literal, {@code 'it''s'}: quotes doubled, nothing else escaped. Correct because
 * {@code standard_conforming_strings} is on (the default since PostgreSQL 9.1), so a backslash is an ordinary
 * character. Used for values Tandem generates SQL around (names written as data, messages), never for the
 * definition's own SQL.
 */
final class SqlLiteral {
    private SqlLiteral() {
    }

    /** {@code value} as a SQL string literal. */
    static String of(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
