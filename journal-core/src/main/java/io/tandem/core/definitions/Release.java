package io.tandem.core.definitions;

import io.tandem.core.TandemException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One app's release as checked into {@code schemas/<app>/}: the physical migrations ({@code migrations/},
 * Flyway SQL named {@code V<n>__description.sql}) and the definition of every live version
 * ({@code versions/v<N>.yaml}), all mapped onto the schema the newest migration leaves.
 *
 * <p>Guarantees, once {@link #load} returns: the folder name is a valid app name; both folders exist; every file
 * in {@code versions/} is a valid definition named {@code v<N>.yaml}, declares this app and a version no other
 * file declares; migration files have distinct versions. Immutable.
 */
public final class Release {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d{1,18})__.+\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__.+\\.sql");
    private static final String PREVIOUS = "previous";

    private final String app;
    private final Path appDir;
    private final List<Path> migrations;
    private final List<VersionDefinition> versions;
    private final List<VersionDefinition> previousVersions;

    private Release(String app, Path appDir, List<Path> migrations, List<VersionDefinition> versions,
                    List<VersionDefinition> previousVersions) {
        this.app = app;
        this.appDir = appDir;
        this.migrations = List.copyOf(migrations);
        this.versions = List.copyOf(versions);
        this.previousVersions = List.copyOf(previousVersions);
    }

    /**
     * Loads and validates {@code schemas/<app>/}; the folder's name is the app's name.
     *
     * @throws DefinitionException listing every problem in every file, with file names (and lines)
     */
    public static Release load(Path appDir) {
        Problems problems = new Problems();
        Path name = appDir.toAbsolutePath().normalize().getFileName();
        String app = name == null ? "" : name.toString();
        if (!Files.isDirectory(appDir)) {
            problems.add(appDir.toString(), "is not a folder; expected schemas/<app>/ holding migrations/ and "
                    + "versions/");
            problems.throwIfAny();
        }
        if (!SqlIdentifier.isValid(app)) {
            problems.add(appDir.toString(), "folder name '" + app + "' is not a valid app name: " + SqlIdentifier.RULE);
        }
        List<Path> migrations = migrations(appDir.resolve("migrations"), problems);
        List<VersionDefinition> versions = versions(appDir.resolve("versions"), app, problems);
        Path previousDir = appDir.resolve("versions").resolve(PREVIOUS);
        List<VersionDefinition> previous = Files.isDirectory(previousDir) ? versions(previousDir, app, problems)
                : List.of();
        problems.throwIfAny();
        return new Release(app, appDir, migrations, versions, previous);
    }

    /** The app's name: the folder's name, e.g. {@code shop}. */
    public String app() {
        return app;
    }

    /** The folder this release was loaded from, as given. */
    public Path appDir() {
        return appDir;
    }

    /** The Flyway migrations folder, {@code <appDir>/migrations}. */
    public Path migrationsDir() {
        return appDir.resolve("migrations");
    }

    /** The versioned migration files ({@code V<n>__*.sql}), in version order. */
    public List<Path> migrations() {
        return migrations;
    }

    /** Every version definition, in version order. */
    public List<VersionDefinition> versions() {
        return versions;
    }

    /**
     * Mappings onto the <em>previous</em> physical schema of versions this release adds
     * ({@code versions/previous/v<N>.yaml}): after an online release switched, the previous tables are kept in step
     * through them too, so the release can be reverted even after those versions wrote (docs/releases.md).
     */
    public List<VersionDefinition> previousVersions() {
        return previousVersions;
    }

    /**
     * The definition of one version.
     *
     * @throws TandemException naming the versions this release has, if it has not this one
     */
    public VersionDefinition version(int version) {
        return versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new TandemException("app " + app + " has no version " + version + " in "
                        + appDir.resolve("versions") + " (versions: " + versions.stream()
                        .map(v -> String.valueOf(v.version())).toList() + ")"));
    }

    private static List<Path> migrations(Path dir, Problems problems) {
        Map<Long, Path> byVersion = new TreeMap<>();
        for (Path file : files(dir, problems, "put the app's Flyway SQL migrations here (V1__init.sql, ...)")) {
            String fileName = file.getFileName().toString();
            Matcher m = MIGRATION.matcher(fileName);
            if (m.matches()) {
                Path other = byVersion.putIfAbsent(Long.parseLong(m.group(1)), file);
                if (other != null) {
                    problems.add(file.toString(), "migration version " + m.group(1) + " is also used by "
                            + other.getFileName() + "; Flyway needs a distinct version per file");
                }
            } else if (fileName.endsWith(".sql") && !REPEATABLE.matcher(fileName).matches()) {
                problems.add(file.toString(), "not a Flyway migration name: use V<n>__description.sql "
                        + "(two underscores)");
            }
        }
        return new ArrayList<>(byVersion.values());
    }

    private static List<VersionDefinition> versions(Path dir, String app, Problems problems) {
        Map<Integer, VersionDefinition> byVersion = new TreeMap<>();
        List<Path> files = files(dir, problems, "put one definition per app version here (v1.yaml, ...)");
        for (Path file : files) {
            if (file.getFileName().toString().equals(PREVIOUS) && Files.isDirectory(file)) {
                continue;
            }
            if (!DefinitionParser.VERSION_FILE.matcher(file.getFileName().toString()).matches()) {
                problems.add(file.toString(), "not a version definition: name it v<N>.yaml, e.g. v1.yaml");
                continue;
            }
            read(file, app, problems, byVersion);
        }
        if (files.isEmpty() && Files.isDirectory(dir)) {
            problems.add(dir.toString(), "holds no version definition; add v1.yaml");
        }
        return new ArrayList<>(byVersion.values());
    }

    private static void read(Path file, String app, Problems problems, Map<Integer, VersionDefinition> byVersion) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file.toString(), "cannot read the file (" + e + ")");
            return;
        }
        DefinitionParser parser = new DefinitionParser(source, file.toString(), problems);
        VersionDefinition definition = parser.parse();
        if (definition == null) {
            return;
        }
        if (!definition.app().equals(app)) {
            parser.problemAt("app", "declares app '" + definition.app() + "' but lies in the folder of app '" + app
                    + "'; move the file or fix app:");
            return;
        }
        VersionDefinition other = byVersion.putIfAbsent(definition.version(), definition);
        if (other != null) {
            parser.problemAt("version", "version " + definition.version() + " is also defined by "
                    + other.sourceFile() + "; keep one file per version");
        }
    }

    /** The regular, non-hidden files of {@code dir}, ordered by the number in their name, then by name. */
    private static List<Path> files(Path dir, Problems problems, String hint) {
        if (!Files.isDirectory(dir)) {
            problems.add(dir.toString(), "missing folder: " + hint);
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparingLong(Release::numberIn).thenComparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            problems.add(dir.toString(), "cannot list the folder (" + e + ")");
            return List.of();
        }
    }

    private static long numberIn(Path file) {
        String digits = file.getFileName().toString().replaceAll("^\\D*(\\d{1,18}).*$", "$1");
        return digits.chars().allMatch(Character::isDigit) && !digits.isEmpty() ? Long.parseLong(digits)
                : Long.MAX_VALUE;
    }
}
