package io.tandem.cli;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code --schemas DIR [--app A]}: the release to work on. DIR is either an app's folder (with {@code migrations/}
 * and {@code versions/}, e.g. {@code schemas/shop}) or a folder of app folders (e.g. {@code schemas}), in which case
 * {@code --app} picks one — or the only one there is.
 */
final class SchemasOptions {

    @Option(names = "--schemas", required = true, paramLabel = "DIR",
            description = "The release: an app folder (schemas/shop) or a folder of app folders (schemas)")
    Path dir;

    @Option(names = "--app", paramLabel = "APP", description = "The app, when --schemas holds several")
    String app;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Release release() {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(command.commandLine(), "--schemas " + dir + " is not a folder: pass an app folder"
                    + " (e.g. schemas/shop) or a folder of app folders (e.g. schemas)");
        }
        if (Files.isDirectory(dir.resolve("versions"))) {
            Path folder = dir.toAbsolutePath().normalize().getFileName(); // a release folder's name is its app's
            if (app != null && folder != null && !app.equals(folder.toString())) {
                throw new ParameterException(command.commandLine(), "--app " + app + ", but --schemas " + dir + " is"
                        + " the folder of app " + folder + ": drop --app, or pass the folder of app " + app);
            }
            return Release.load(dir);
        }
        if (Files.isDirectory(dir.resolve("migrations"))) {
            throw new TandemException("--schemas " + dir + " has migrations/ but no versions/: an app folder holds"
                    + " both, versions/v<N>.yaml defining each app version (docs/definitions.md)");
        }
        if (app != null) {
            return Release.load(dir.resolve(app));
        }
        List<Path> apps = appFolders();
        if (apps.size() != 1) {
            throw new TandemException("--schemas " + dir + " holds " + (apps.isEmpty() ? "no app folder" : "several apps "
                    + apps.stream().map(p -> p.getFileName().toString()).toList())
                    + "; pass an app folder (e.g. schemas/shop) or add --app");
        }
        return Release.load(apps.get(0));
    }

    private List<Path> appFolders() {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> Files.isDirectory(p.resolve("versions"))).sorted().toList();
        } catch (IOException e) {
            throw new TandemException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
