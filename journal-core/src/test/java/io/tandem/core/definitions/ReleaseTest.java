package io.tandem.core.definitions;

import io.tandem.core.TandemException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseTest {
    /** The example app's first release, relative to this module (the tests' working directory). */
    static final Path SHOP = Path.of("../schemas/releases/1/shop");
    /** The example app's newest release. */
    static final Path SHOP_NOW = Path.of("../schemas/shop");
    private static final Path MINIMAL = Path.of("src/test/resources/definitions/valid/minimal.yaml");

    @Test
    void loadsTheShopsFirstRelease() {
        Release release = Release.load(SHOP);
        assertEquals("shop", release.app());
        assertEquals(SHOP.resolve("migrations"), release.migrationsDir());
        assertEquals(List.of(SHOP.resolve("migrations/V1__init.sql")), release.migrations());
        assertEquals(List.of(1), release.versions().stream().map(VersionDefinition::version).toList());

        VersionDefinition v1 = release.version(1);
        assertEquals(SHOP.resolve("versions/v1.yaml").toString(), v1.sourceFile());
        assertEquals(List.of("customer", "orders"), List.copyOf(v1.entities().keySet()));

        EntityDefinition customer = v1.entities().get("customer");
        assertEquals("customer c", customer.from());
        assertEquals("c.full_name", customer.fields().get("full_name").read());
        assertEquals(List.of("full_name", "email"), List.copyOf(customer.writes().get(0).set().keySet()));

        EntityDefinition orders = v1.entities().get("orders");
        assertEquals(List.of("id"), orders.key());
        assertEquals(List.of("id", "customer_id", "total", "status", "placed_at"), List.copyOf(orders.fields().keySet()));
        assertEquals("numeric(12,2)", orders.fieldTypes().get("total").sql());
        assertEquals(FieldType.Kind.TIMESTAMPTZ, orders.fieldTypes().get("placed_at").kind());
        WriteItem write = orders.writes().get(0);
        assertEquals("orders", write.table());
        assertEquals(List.of("customer_id", "total", "status", "placed_at"), List.copyOf(write.set().keySet()));

        TandemException e = assertThrows(TandemException.class, () -> release.version(2));
        assertTrue(e.getMessage().contains("app shop has no version 2"), e.getMessage());
    }

    @Test
    void loadsTheShopsSecondRelease() {
        Release release = Release.load(SHOP_NOW);
        assertEquals(List.of(SHOP_NOW.resolve("migrations/V1__init.sql"), SHOP_NOW.resolve("migrations/V2__split_name.sql")),
                release.migrations());
        assertEquals(List.of(1, 2), release.versions().stream().map(VersionDefinition::version).toList());
        EntityDefinition v1 = release.version(1).entities().get("customer");
        assertEquals(List.of("id", "full_name", "email"), List.copyOf(v1.fields().keySet()));
        assertEquals(List.of("first_name", "last_name", "email"), List.copyOf(v1.writes().get(0).set().keySet()));
        assertEquals(java.util.Set.of("full_name"), v1.writes().get(0).set().get("last_name").referencedFields());
        EntityDefinition v2 = release.version(2).entities().get("customer");
        assertEquals(List.of("id", "first_name", "last_name", "email", "phone"), List.copyOf(v2.fields().keySet()));
    }

    @Test
    void sortsVersionsNumerically(@TempDir Path tmp) throws IOException {
        Path shop = app(tmp, "shop");
        for (int v : new int[] {10, 2}) {
            Files.writeString(shop.resolve("versions/v" + v + ".yaml"),
                    Files.readString(MINIMAL).replace("version: 1", "version: " + v));
        }
        assertEquals(List.of(1, 2, 10),
                Release.load(shop).versions().stream().map(VersionDefinition::version).toList());
    }

    @Test
    void reportsProblemsAcrossFilesWithTheirNames(@TempDir Path tmp) throws IOException {
        Path shop = app(tmp, "shop");
        Files.copy(MINIMAL, shop.resolve("versions/v01.yaml"));                       // duplicate of v1
        Files.writeString(shop.resolve("versions/notes.txt"), "release notes");      // not a definition
        Files.writeString(shop.resolve("versions/v3.yaml"),
                Files.readString(MINIMAL).replace("version: 1", "version: 3").replace("app: shop", "app: store"));
        Files.writeString(shop.resolve("versions/v4.yaml"), "app: shop\nversion: 4\n");
        Files.writeString(shop.resolve("migrations/V2_split.sql"), "SELECT 1;");    // one underscore
        Files.writeString(shop.resolve("versions/.hidden.swp"), "editor junk");      // ignored

        DefinitionException e = assertThrows(DefinitionException.class, () -> Release.load(shop));
        List<String> problems = e.problems().stream().map(DefinitionProblem::toString).toList();
        String v = shop.resolve("versions") + "/";
        assertEquals(List.of(
                shop.resolve("migrations/V2_split.sql") + ": not a Flyway migration name: use V<n>__description.sql "
                        + "(two underscores)",
                v + "v1.yaml:2:10: version: version 1 is also defined by " + v + "v01.yaml; keep one file per version",
                v + "v3.yaml:1:6: app: declares app 'store' but lies in the folder of app 'shop'; move the file or "
                        + "fix app:",
                v + "v4.yaml:1:1: missing required key 'entities' (required here: app, version, entities)",
                v + "notes.txt: not a version definition: name it v<N>.yaml, e.g. v1.yaml"), problems, e.getMessage());
        assertTrue(e.getMessage().startsWith("5 problems"));
    }

    @Test
    void reportsMissingFolders(@TempDir Path tmp) throws IOException {
        Path shop = Files.createDirectory(tmp.resolve("shop"));
        DefinitionException e = assertThrows(DefinitionException.class, () -> Release.load(shop));
        assertEquals(List.of(
                shop.resolve("migrations") + ": missing folder: put the app's Flyway SQL migrations here "
                        + "(V1__init.sql, ...)",
                shop.resolve("versions") + ": missing folder: put one definition per app version here (v1.yaml, ...)"),
                e.problems().stream().map(DefinitionProblem::toString).toList());

        Files.createDirectory(shop.resolve("migrations"));
        Files.createDirectory(shop.resolve("versions"));
        e = assertThrows(DefinitionException.class, () -> Release.load(shop));
        assertEquals(shop.resolve("versions") + ": holds no version definition; add v1.yaml",
                e.problems().get(0).toString());

        Path nowhere = tmp.resolve("nowhere");
        e = assertThrows(DefinitionException.class, () -> Release.load(nowhere));
        assertTrue(e.getMessage().contains(nowhere + ": is not a folder"), e.getMessage());
    }

    @Test
    void theFolderNameMustBeAValidAppName(@TempDir Path tmp) throws IOException {
        Path shop = app(tmp, "Shop");
        DefinitionException e = assertThrows(DefinitionException.class, () -> Release.load(shop));
        assertTrue(e.problems().get(0).message().startsWith("folder name 'Shop' is not a valid app name"),
                e.getMessage());
    }

    /** {@code <tmp>/<app>/} with an empty V1 migration and the minimal fixture as v1.yaml. */
    private static Path app(Path tmp, String app) throws IOException {
        Path dir = tmp.resolve(app);
        Files.createDirectories(dir.resolve("migrations"));
        Files.createDirectories(dir.resolve("versions"));
        Files.writeString(dir.resolve("migrations/V1__init.sql"), "SELECT 1;");
        Files.copy(MINIMAL, dir.resolve("versions/v1.yaml"));
        return dir;
    }
}
