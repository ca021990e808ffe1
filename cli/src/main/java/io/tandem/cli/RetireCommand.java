package io.tandem.cli;

import java.sql.Connection;
import java.sql.SQLException;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.views.Retirer;
import io.tandem.views.ViewGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tandem retire --app A --version N}: drop a version's views, grants and definition (see {@link Retirer}). */
@Command(name = "retire", description = "Retire an app version: drop its views, grants and definition.")
final class RetireCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;
    @Option(names = "--app", required = true, description = "The app, e.g. shop")
    String app;
    @Option(names = "--version", required = true, converter = OptionValues.Positive.class,
            description = "The version to retire")
    int version;
    @Option(names = "--check-sessions", description = "Refuse while sessions of the version's role are connected")
    boolean checkSessions;
    @Mixin
    JsonOption json;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        try (HikariDataSource pool = connection.pool("retire", 1)) {
            try (Connection c = pool.getConnection()) {
                KnownApps.require(c, app, connection.jdbcUrl);
            }
            new Retirer(pool, new ViewGenerator()).checkSessions(checkSessions).retire(app, version);
        }
        if (json.requested()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("app", app);
            out.put("retired", version);
            json.print(out);
        } else {
            spec.commandLine().getOut().printf("Retired version %d of %s: views, grants and definition dropped%n",
                    version, app);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
