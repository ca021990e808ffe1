package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image {@code mvn verify -Pimage} builds ({@code target/tandem-image.tar}, Docker's {@code docker load} format):
 * its configuration is the one the Kubernetes manifest expects (tag, unprivileged user, entry point), and its layers
 * hold a whole {@code tandem} command: the entry point, run on the layers' files, releases an app and reports its
 * status. The layers are run with this JVM's {@code java} instead of the base image's, so the check needs neither a
 * container runtime nor the base image (the build can take any base with {@code -Djib.from.image}, even
 * {@code scratch}).
 */
@PostgresTest
class ImageIT {
    private static final Path IMAGE = Path.of("target", "tandem-image.tar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path unpacked;
    private static JsonNode config;
    private static Path root;

    @BeforeAll
    static void unpack() throws IOException {
        assertTrue(Files.isRegularFile(IMAGE), IMAGE + " is built by the image profile's package phase");
        Path tarball = unpacked.resolve("tarball");
        untar(Files.newInputStream(IMAGE), tarball);
        JsonNode manifest = JSON.readTree(tarball.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(tarball.resolve(manifest.get("Config").asText()).toFile()).get("config");
        root = unpacked.resolve("root");
        for (JsonNode layer : manifest.get("Layers")) {
            untar(new GzipCompressorInputStream(Files.newInputStream(tarball.resolve(layer.asText()))), root);
        }
        // the image's class path names files under /app: the same files, unpacked under root
        Files.writeString(unpacked.resolve("classpath"), Files.readAllLines(root.resolve("app/jib-classpath-file"))
                .stream().flatMap(line -> List.of(line.split(":")).stream())
                .map(entry -> root.resolve(entry.substring(1)).toString())
                .collect(Collectors.joining(":")));
        assertEquals(List.of(DeployFiles.kubernetes().get("Deployment")
                        .at("/spec/template/spec/containers/0/image").asText()),
                JSON.convertValue(manifest.get("RepoTags"), List.class), "the manifest runs this image");
    }

    @Test
    void runsTheCommandAsAnUnprivilegedUser() {
        assertEquals("10001", config.get("User").asText());
        assertEquals("/tmp", config.get("WorkingDir").asText(), "the only place it may write");
        assertEquals(List.of("java", "-XX:MaxRAMPercentage=75", "-cp", "@/app/jib-classpath-file",
                TandemCommand.class.getName()), strings(config.get("Entrypoint")));
        assertEquals(List.of("--help"), strings(config.get("Cmd")));
    }

    @Test
    void itsLayersReleaseAnAppAndReportItsStatus(TestDatabase db) throws Exception {
        String login = String.join(" ", "--jdbc-url", db.jdbcUrl(), "--user", db.user(), "--password", db.password());
        Run migrate = run(("migrate --schemas " + Path.of("..", "schemas", "releases", "1", "shop").toAbsolutePath()
                + " " + login).split(" "));
        assertEquals(0, migrate.exitCode, migrate.output);
        Run status = run(("status --app shop --json " + login).split(" "));
        assertEquals(0, status.exitCode, status.output);
        JsonNode report = JSON.readTree(status.output.substring(status.output.indexOf('{')));
        assertEquals(List.of(1), JSON.convertValue(report.get("versions"), List.class), report.toString());
    }

    private record Run(int exitCode, String output) {
    }

    /** The image's entry point with the given arguments, on the unpacked layers: {@code /app} is {@link #root}'s. */
    private static Run run(String... args) throws Exception {
        List<String> entrypoint = strings(config.get("Entrypoint"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String part : entrypoint.subList(1, entrypoint.size())) {
            command.add(part.equals("@/app/jib-classpath-file") ? "@" + unpacked.resolve("classpath") : part);
        }
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(unpacked.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), "the command ends: " + command);
        return new Run(process.exitValue(), output);
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(s -> strings.add(s.asText()));
        return strings;
    }

    private static void untar(InputStream in, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                assertTrue(target.startsWith(into), "an entry outside the image: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
