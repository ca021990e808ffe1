package io.tandem.cli;

import io.tandem.core.TandemException;
import io.tandem.core.db.ServerError;
import io.tandem.core.definitions.DefinitionException;
import io.tandem.core.definitions.DefinitionProblem;
import io.tandem.views.MigrationRefusedException;
import picocli.CommandLine;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an exception escaping a subcommand into exit code 1 and a message: the bare message for a
 * {@link TandemException} (written to be read by the user); for a statement the database refused, its message with
 * what to do about the common causes (a role without the rights, a database without Tandem's schema); otherwise —
 * a bug — the exception with its cause chain and stack trace.
 */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        SQLException refused = e instanceof TandemException ? null : refusal(e);
        String message = e instanceof TandemException ? e.getMessage()
                : refused != null ? refused(refused) : withCauses(e);
        if (JsonOption.requestedOn(cli)) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("ok", false);
            failure.put("error", message);
            List<String> problems = problems(e);
            if (!problems.isEmpty()) {
                failure.put("problems", problems);
            }
            Output.json(cli.getOut(), failure);
        } else {
            cli.getErr().println(cli.getCommandSpec().qualifiedName(" ") + ": " + message);
            if (!(e instanceof TandemException) && refused == null) {
                e.printStackTrace(cli.getErr());
            }
        }
        return 1;
    }

    /**
     * The problems of definitions or of a release that was refused, one line each, as {@code views check --json}
     * lists lint's: a script reads them without taking the error's text apart.
     */
    private static List<String> problems(Exception e) {
        if (e instanceof DefinitionException d) {
            return d.problems().stream().map(DefinitionProblem::toString).toList();
        }
        return e instanceof MigrationRefusedException refused ? refused.problems() : List.of();
    }

    /**
     * The database's refusal among {@code e}'s causes that the user can act on without a stack trace — rights
     * (42501), Tandem's schema missing (3F000, 42P01, 42883 naming tandem), the connection or the login (classes 08,
     * 28, 57P) — or null: any other SQLSTATE may be a fault in SQL Tandem wrote, and keeps its trace.
     */
    private static SQLException refusal(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && actionable(sql)) {
                return sql;
            }
        }
        return null;
    }

    private static boolean actionable(SQLException sql) {
        String state = sql.getSQLState();
        return state.equals("42501") || state.startsWith("08") || state.startsWith("28") || state.startsWith("57P")
                || missingTandem(sql);
    }

    private static boolean missingTandem(SQLException sql) {
        return Set.of("3F000", "42P01", "42883").contains(sql.getSQLState())
                && String.valueOf(sql.getMessage()).contains("tandem");
    }

    static String refused(SQLException sql) {
        String advice = sql.getSQLState().equals("42501") ? " The role connected lacks a right this command needs:"
                + " connect as the role that owns Tandem's schema, the one that ran tandem migrate (docs/security.md)."
                : missingTandem(sql) ? " This database has no Tandem schema, or an older one: check --jdbc-url, or"
                + " run tandem migrate, which installs it." : "";
        return "The database refused: " + ServerError.oneLine(sql) + " [SQLState " + sql.getSQLState()
                + "]." + advice;
    }

    private static String withCauses(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }
}
