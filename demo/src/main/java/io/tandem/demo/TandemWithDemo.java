package io.tandem.demo;

import io.tandem.cli.TandemCommand;

import java.io.PrintWriter;

/**
 * The {@code tandem} command of the repository's checkout, which {@code ./tandem} runs
 * ({@code demo/target/tandem-with-demo.jar}): the product's commands ({@link TandemCommand}) plus {@code demo}.
 *
 * <p>Why a jar of its own: the demo drives the example shop through Hibernate, so its code and dependencies stay
 * out of the product's jar ({@code cli/target/tandem.jar}), which a production install runs the applier and the
 * release steps from.
 */
public final class TandemWithDemo {
    private TandemWithDemo() {
    }

    /** Runs the command line on the given streams and returns the exit code; never exits the JVM itself. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return TandemCommand.commandLine(out, err, new DemoCommand()).execute(args);
    }

    public static void main(String[] args) {
        TandemCommand.exit(args, new DemoCommand());
    }
}
