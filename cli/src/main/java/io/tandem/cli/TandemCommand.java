package io.tandem.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;

/**
 * The {@code tandem} command. Exit codes: 0 success, 1 failure, 2 usage error.
 *
 * <p>Each subcommand is a class of its own in this package; they share the mixins {@link ConnectionOptions} and
 * {@link JsonOption}. A bad command line (unknown or missing option, a value that does not parse or is out of range,
 * see {@link OptionValues}) is one line on stderr and exit 2 ({@link UsageErrorHandler}). A failure a user can hit
 * is a {@link io.tandem.core.TandemException} whose message is printed as is (or as
 * {@code {"ok":false,"error":...}} with {@code --json}) with exit 1.
 */
@Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
        description = "Zero-downtime schema changes for Java apps, built on a write-ahead journal.",
        subcommands = {DemoCommand.class, ApplierCommand.class, MigrateCommand.class, ReleaseCommand.class,
                RetireCommand.class, StatusCommand.class,
                ViewsCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class TandemCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** Runs the command line on the given streams and returns the exit code; never exits the JVM itself. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new TandemCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(new UsageErrorHandler());
        cli.setExecutionExceptionHandler(new FailureHandler());
        return cli.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }
}
