package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code tandem} command as a production install runs it ({@code cli/target/tandem.jar}): applier, status,
 * views, migrate, release, retire, journal, version, help. Exit codes: 0 success, 1 failure, 2 usage error. Every
 * command shows its usage with {@code --help}.
 *
 * <p>Each subcommand is a class of its own in this package; they share the mixins {@link ConnectionOptions} and
 * {@link JsonOption}. A bad command line (unknown or missing option, a value that does not parse or is out of range,
 * see {@link OptionValues}) is one line on stderr and exit 2 ({@link UsageErrorHandler}). A failure a user can hit
 * is a {@link io.tandem.core.TandemException} whose message is printed as is (or as
 * {@code {"ok":false,"error":...}} with {@code --json}) with exit 1.
 *
 * <p>Why it can take extra subcommands: the repository's {@code ./tandem} adds {@code demo}, which drives the
 * example shop through Hibernate; a production install of the applier and the release steps carries neither.
 */
@Command(name = "tandem", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
        description = "Zero-downtime schema changes for Java apps, built on a write-ahead journal.",
        subcommands = {ApplierCommand.class, MigrateCommand.class, ReleaseCommand.class, RetireCommand.class,
                StatusCommand.class, JournalCommand.class, ViewsCommand.class, VersionCommand.class, HelpCommand.class})
public final class TandemCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /**
     * The command line on the given streams with this command's usage-error and failure handling: the product's
     * subcommands, then {@code extra} ({@code @Command} objects). Executing it never exits the JVM.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Object... extra) {
        CommandLine cli = new CommandLine(new TandemCommand());
        for (Object command : extra) {
            cli.addSubcommand(command); // before the settings below, which apply to the subcommands there are
        }
        addHelp(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(new UsageErrorHandler());
        cli.setExecutionExceptionHandler(new FailureHandler());
        return cli;
    }

    /**
     * Gives every subcommand {@code -h, --help}, which shows its usage even when it lacks a required option. (Not
     * through {@code mixinStandardHelpOptions}: that also adds {@code --version}, which {@code retire} takes for the
     * app version it retires.)
     */
    private static void addHelp(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null && !spec.helpCommand()) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help and exit").build());
            }
            addHelp(sub);
        }
    }

    /** Runs the product's command line on the given streams and returns the exit code; never exits the JVM. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** Runs {@code args} on stdout and stderr, with {@code extra} subcommands, and exits with the exit code. */
    public static void exit(String[] args, Object... extra) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(commandLine(out, err, extra).execute(args));
    }

    public static void main(String[] args) {
        exit(args);
    }
}
