package io.tandem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** File fixtures: copying a folder (e.g. a release of {@code schemas/}) so a test can change its copy. */
public final class TestFiles {
    private TestFiles() {
    }

    /** Copies the folder {@code from} with everything in it to {@code to} (created), and returns {@code to}. */
    public static Path copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + from + " to " + to, e);
        }
    }

    /** Replaces {@code text} by {@code replacement} in {@code file}, failing if the text is not there. */
    public static void replace(Path file, String text, String replacement) {
        try {
            String content = Files.readString(file);
            if (!content.contains(text)) {
                throw new IllegalArgumentException(file + " does not contain '" + text + "'");
            }
            Files.writeString(file, content.replace(text, replacement));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files directly in {@code dir}, sorted. */
    public static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
