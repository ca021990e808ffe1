package io.tandem.core.db;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/**
 * A database error as one line for a person: the server's message with its detail and hint when it gave them
 * ({@code ERROR: could not create unique index "customer_email_key" Detail: Key (email)=(a@example.com) is
 * duplicated.}). The driver's own message puts them, and the statement position, on lines of their own.
 */
public final class ServerError {
    private ServerError() {
    }

    public static String oneLine(SQLException e) {
        String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage server = p.getServerErrorMessage();
            return first + (server.getDetail() == null ? "" : " Detail: " + server.getDetail())
                    + (server.getHint() == null ? "" : " Hint: " + server.getHint());
        }
        return first;
    }
}
