package io.tandem.cli;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.views.LintProblem;
import io.tandem.views.MigrationRefusedException;
import io.tandem.views.ReleaseCheck;
import io.tandem.views.Scaffold;
import io.tandem.views.ViewGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tandem views check|generate}: release preparation against a scratch copy of the target physical schema
 * (the release's migrations applied to a throwaway database: embedded PostgreSQL, or a fresh database on the
 * server of {@code --jdbc-url}).
 */
@Command(name = "views", description = "Check definitions against the target schema, or write their views and grants.",
        subcommands = {ViewsCommand.Check.class, ViewsCommand.Generate.class, ViewsCommand.ScaffoldFirst.class})
final class ViewsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: check, generate or scaffold");
    }

    @Command(name = "check", description = "Lint every live version's definition; exit 1 on any problem.")
    static final class Check implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Mixin
        SchemasOptions schemas;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Release release = schemas.release();
            PrintWriter err = spec.commandLine().getErr();
            err.println("Applying " + release.migrations().size() + " migration(s) of " + release.app()
                    + " to a scratch database...");
            err.flush();
            List<LintProblem> problems;
            try (ScratchDatabase scratch = ScratchDatabase.open(connection)) {
                problems = ReleaseCheck.prepare(scratch.dataSource(), release).lint();
            }
            if (json.requested()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("ok", problems.isEmpty());
                if (!problems.isEmpty()) {
                    out.put("error", problems.size() + " problem(s) in the definitions of app " + release.app());
                }
                out.put("app", release.app());
                out.put("versions", release.versions().stream().map(v -> v.version()).toList());
                out.put("problems", problems.stream().map(LintProblem::located).toList());
                json.print(out);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                problems.forEach(p -> out.println(p.located()));
                out.println(problems.isEmpty()
                        ? "OK: " + release.versions().size() + " version(s) of " + release.app() + " check out"
                        : problems.size() + " problem(s)");
                out.flush();
            }
            return problems.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "generate", description = "Write each version's views and grants as SQL for review.")
    static final class Generate implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Mixin
        SchemasOptions schemas;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write <app>_v<N>.sql")
        Path out;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Release release = schemas.release();
            Map<Integer, String> scripts;
            try (ScratchDatabase scratch = ScratchDatabase.open(connection)) {
                ReleaseCheck check = ReleaseCheck.prepare(scratch.dataSource(), release);
                List<LintProblem> problems = check.lint(); // what would not compile, said as views check says it
                if (!problems.isEmpty()) {
                    throw new MigrationRefusedException(release.app(), problems.stream().map(LintProblem::located)
                            .toList(), "views");
                }
                scripts = check.scripts(new ViewGenerator());
            }
            Map<String, Object> written = new LinkedHashMap<>();
            try {
                Files.createDirectories(out);
                for (Map.Entry<Integer, String> e : scripts.entrySet()) {
                    Path file = out.resolve(VersionDefinition.viewSchema(release.app(), e.getKey()) + ".sql");
                    Files.writeString(file, e.getValue());
                    written.put(Integer.toString(e.getKey()), file.toString());
                }
            } catch (IOException e) {
                throw new TandemException("Cannot write to " + out + ": " + e.getMessage(), e);
            }
            if (json.requested()) {
                json.print(Map.of("files", written));
            } else {
                written.values().forEach(f -> spec.commandLine().getOut().println("wrote " + f));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "scaffold", description = "Draft the first release of an app whose tables predate Tandem from"
            + " the live tables: migrations/V1__baseline.sql and versions/v1.yaml, for review.")
    static final class ScaffoldFirst implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;
        @Option(names = "--app", required = true, paramLabel = "APP", description = "The app's name")
        String app;
        @Option(names = "--schema", defaultValue = "public", paramLabel = "SCHEMA",
                description = "The schema whose tables to draft from (default public)")
        String schema;
        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "The app's release folder to create, e.g. schemas/<app>; its files must not exist yet")
        Path out;
        @Mixin
        JsonOption json;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                SqlIdentifier.of(app);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--app " + app + ": " + e.getMessage());
            }
            Path folder = out.toAbsolutePath().normalize().getFileName();
            if (folder == null || !folder.toString().equals(app)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " must be the app's"
                        + " folder, named after it (e.g. schemas/" + app + "): a release folder's name is its app's");
            }
            Path baseline = out.resolve("migrations").resolve("V1__baseline.sql");
            Path definition = out.resolve("versions").resolve("v1.yaml");
            for (Path file : List.of(baseline, definition)) {
                if (Files.exists(file)) {
                    throw new TandemException(file + " already exists: scaffold drafts a first release into a new"
                            + " folder and overwrites nothing. Move it away or give another --out. Nothing written.");
                }
            }
            Scaffold draft;
            try (com.zaxxer.hikari.HikariDataSource pool = connection.pool("scaffold", 1);
                 java.sql.Connection c = pool.getConnection()) {
                if (io.tandem.core.db.TandemSchema.installedVersion(c) != null
                        && io.tandem.core.db.VersionRegistry.apps(c).contains(app)) {
                    throw new TandemException("Tandem already releases app '" + app + "' in " + connection.jdbcUrl
                            + ": scaffold drafts the first release of an app whose tables predate Tandem. Write its"
                            + " next release in its own folder instead. Nothing written.");
                }
                draft = Scaffold.of(c, app, schema);
            }
            try {
                Files.createDirectories(baseline.getParent());
                Files.createDirectories(definition.getParent());
                Files.writeString(baseline, draft.baselineMigration());
                Files.writeString(definition, draft.firstDefinition());
            } catch (IOException e) {
                throw new TandemException("Cannot write to " + out + ": " + e.getMessage(), e);
            }
            if (json.requested()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("app", app);
                result.put("files", List.of(baseline.toString(), definition.toString()));
                result.put("entities", draft.entities());
                result.put("problems", draft.problems());
                json.print(result);
            } else {
                PrintWriter o = spec.commandLine().getOut();
                o.println("wrote " + baseline);
                o.println("wrote " + definition + " (" + draft.entities().size() + " entities: "
                        + String.join(", ", draft.entities()) + ")");
                draft.problems().forEach(p -> o.println("  needs a look: " + p));
                o.println("Next: review both, `tandem views check --schemas " + out + "`, then `tandem migrate"
                        + " --schemas " + out + " --baseline` on this database.");
                o.flush();
            }
            return 0;
        }
    }
}
