package io.tandem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tandem version}: the Tandem version and the Java runtime it runs on. */
@Command(name = "version", description = "Print Tandem's version.")
final class VersionCommand implements Runnable, CommandLine.IVersionProvider {

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static String tandemVersion() {
        String v = TandemCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    @Override
    public void run() {
        if (json.requested()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tandem", tandemVersion());
            out.put("java", Runtime.version().toString());
            json.print(out);
        } else {
            spec.commandLine().getOut().println("tandem " + tandemVersion() + " (Java " + Runtime.version() + ")");
        }
    }

    @Override
    public String[] getVersion() {
        return new String[]{"tandem " + tandemVersion()};
    }
}
