package io.tandem.views;

import io.tandem.testing.TestFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Releases of the shop assembled for a test from the newest release ({@code schemas/shop}) and a fixture under
 * {@code src/test/resources/releases/<name>/shop}: the fixture's migrations are added to the shop's, and its
 * versions, when it has any, replace the shop's. So a fixture holds only what differs from the real release
 * (except {@code releases/3}, a full release the benchmarks load as it is).
 */
final class ReleaseFixture {
    static final Path SHOP = Path.of("../schemas/shop");

    private ReleaseFixture() {
    }

    /** A copy of the shop's newest release under {@code dir/name/shop}. */
    static Path shop(Path dir, String name) {
        return TestFiles.copyTree(SHOP, dir.resolve(name).resolve("shop"));
    }

    /** The shop's newest release with fixture {@code name} laid over it, under {@code dir/name/shop}. */
    static Path withFixture(Path dir, String name) {
        Path release = shop(dir, name);
        Path fixture = Path.of("src/test/resources/releases", name, "shop");
        try {
            if (Files.isDirectory(fixture.resolve("migrations"))) {
                for (Path migration : TestFiles.list(fixture.resolve("migrations"))) {
                    Files.copy(migration, release.resolve("migrations").resolve(migration.getFileName().toString()));
                }
            }
            if (Files.isDirectory(fixture.resolve("versions"))) {
                try (var all = Files.walk(release.resolve("versions"))) { // the shop's versions and previous mappings
                    for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (!p.equals(release.resolve("versions"))) {
                            Files.delete(p);
                        }
                    }
                }
                TestFiles.copyTree(fixture.resolve("versions"), release.resolve("versions"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return release;
    }
}
