package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tandem help [COMMAND...]}: the usage of tandem or of any of its commands, however deep — {@code tandem help
 * journal retention} as well as {@code tandem help migrate}. (picocli's own help command looks one level down only.)
 */
@Command(name = "help", helpCommand = true,
        description = "Show the usage of tandem or of one of its commands, e.g. tandem help journal retention.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, e.g. migrate or journal retention")
    List<String> path = new ArrayList<>();
    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit")
    boolean help;

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(self, "Unknown command: '" + name + "' is not a command of "
                        + target.getCommandSpec().qualifiedName(" ") + " (" + String.join(", ",
                        target.getSubcommands().keySet()) + ")");
            }
            target = next;
        }
        target.usage(out, colors);
    }
}
