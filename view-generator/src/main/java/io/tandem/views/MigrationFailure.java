package io.tandem.views;

import io.tandem.core.db.ServerError;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Where a migration script failed, as {@code migrations/V2__split_name.sql:7: ERROR: type "txet" does not exist
 * (in the statement from line 5)}: the line the database's error position falls on, counted in the script.
 *
 * <p>Why not Flyway's message: it says the line a statement starts on, hides the statement unless Flyway runs with a
 * debug flag Tandem does not have, and spans eight lines. Flyway reports the failing statement only through an
 * internal exception ({@link FlywaySqlScriptException}, stable across the pinned version); the statement's text
 * includes the comments before it, which the database's error position counts too.
 */
final class MigrationFailure {
    private MigrationFailure() {
    }

    /**
     * What made a release's migrations fail, for its error message: the script's file and line when a script failed
     * ({@link #describe}), else the database's message, else {@code e}'s.
     */
    static String cause(Release release, Throwable e) {
        SQLException sql = Migrator.find(e, SQLException.class);
        return describe(release, e).orElse(sql != null ? sql.getMessage() : e.getMessage());
    }

    /** The failure of a script of {@code release} somewhere in {@code e}'s causes, described; empty if none. */
    static Optional<String> describe(Release release, Throwable e) {
        FlywaySqlScriptException script = Migrator.find(e, FlywaySqlScriptException.class);
        if (script == null || script.getResource() == null) {
            return Optional.empty();
        }
        String file = release.migrationsDir().resolve(script.getResource().getFilename()).toString();
        SQLException sql = Migrator.find(e, SQLException.class);
        String message = sql != null ? ServerError.oneLine(sql) : String.valueOf(script.getMessage());
        int start = script.getLineNumber();
        if (start <= 0) {
            return Optional.of(file + ": " + message);
        }
        int line = errorLine(script.getStatement(), start, position(sql));
        return Optional.of(file + ":" + line + ": " + message + (line == start ? ""
                : " (in the statement from line " + start + ")"));
    }

    /** The database's error position (1-based, in characters of the statement sent), or 0 when it gave none. */
    private static int position(SQLException sql) {
        if (sql instanceof PSQLException p) {
            ServerErrorMessage server = p.getServerErrorMessage();
            return server == null ? 0 : server.getPosition();
        }
        return 0;
    }

    /**
     * The script's line of character {@code position} of {@code statement}, whose first code (after its leading
     * comments) is on line {@code start}; {@code start} when the position is unknown.
     */
    static int errorLine(String statement, int start, int position) {
        if (statement == null || position <= 0 || position > statement.length()) {
            return start;
        }
        int code = firstCode(statement);
        return start + newlines(statement, code, position - 1) - newlines(statement, position - 1, code);
    }

    /** Newlines in {@code text} from {@code from} (inclusive) to {@code to} (exclusive); 0 when {@code to <= from}. */
    private static int newlines(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Where the statement's code starts: past whitespace, {@code --} lines and {@code /* *\/} comments. */
    private static int firstCode(String s) {
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
            } else if (s.startsWith("--", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                return i;
            }
        }
        return i;
    }
}
