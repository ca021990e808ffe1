package io.tandem.core.definitions;

import io.tandem.core.TandemException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefinitionReaderTest {
    private static final Path VALID = Path.of("src/test/resources/definitions/valid");
    private final DefinitionReader reader = new DefinitionReader();

    /** A whole definition of one entity: version 1 of the shop as remapped in release 2 (docs/definitions.md). */
    @Test
    void readsTheRemappedShopVersionExactly() throws Exception {
        Path file = VALID.resolve("shop-v1-remapped.yaml");
        VersionDefinition d = reader.read(file);

        assertEquals("shop", d.app());
        assertEquals(1, d.version());
        assertEquals("shop_v1", d.viewSchema());
        assertEquals(file.toString(), d.sourceFile());
        assertEquals(Files.readString(file), d.source());
        assertEquals(List.of("customer"), List.copyOf(d.entities().keySet()));

        EntityDefinition customer = d.entities().get("customer");
        assertEquals("customer", customer.name());
        assertEquals(List.of("id"), customer.key());
        assertEquals("customer c", customer.from());
        assertEquals(List.of("id", "full_name", "email"), List.copyOf(customer.fields().keySet()));
        assertEquals(new FieldDefinition("id", FieldType.parse("bigint"), "c.id"), customer.fields().get("id"));
        assertEquals(new FieldDefinition("full_name", FieldType.parse("text"), "c.first_name || ' ' || c.last_name"),
                customer.fields().get("full_name"));
        assertEquals(new FieldDefinition("email", FieldType.parse("text"), "c.email"), customer.fields().get("email"));
        assertEquals(FieldType.Kind.BIGINT, customer.fieldTypes().get("id").kind());
        assertEquals(List.of("id", "full_name", "email"), List.copyOf(customer.fieldTypes().keySet()));

        assertEquals(1, customer.writes().size());
        WriteItem item = customer.writes().get(0);
        assertEquals("customer", item.table());
        assertEquals("\"customer\"", item.tableName().quoted());
        assertEquals(List.of("id"), List.copyOf(item.key().keySet()));
        assertEquals(List.of("id"), item.key().get("id").params());
        assertEquals(List.of("first_name", "last_name", "email"), List.copyOf(item.set().keySet()));
        assertEquals("split_part(:full_name, ' ', 1)", item.set().get("first_name").text());
        assertEquals("substr(:full_name, length(split_part(:full_name, ' ', 1)) + 2)",
                item.set().get("last_name").text());
        assertEquals(List.of("full_name", "full_name"), item.set().get("last_name").params());
        assertEquals(List.of("id", "full_name", "email"), List.copyOf(item.referencedFields()));
        assertTrue(!customer.readOnly());
        assertTrue(!customer.versioned(), "no version_field: no optimistic lock");
    }

    @Test
    void readsTheOptimisticLockField() throws Exception {
        String yaml = Files.readString(Path.of("src/test/resources/definitions/invalid/version-field-undeclared.yaml"))
                .replace("version_field: revision", "version_field: version");
        VersionDefinition d = reader.read(yaml, "v1.yaml");
        EntityDefinition customer = d.entities().get("customer");
        assertEquals("version", customer.versionField());
        assertTrue(customer.versioned());
        assertEquals("version", new ObjectMapper().readTree(d.toJson()).at("/entities/customer/version_field").asText());
    }

    @Test
    void toJsonIsCanonicalAndComplete() throws Exception {
        VersionDefinition d = reader.read(VALID.resolve("shop-v1-remapped.yaml"));
        String json = d.toJson();
        assertEquals(json, reader.read(Files.readString(VALID.resolve("shop-v1-remapped.yaml")), "other.yaml").toJson(),
                "the same definition gives the same JSON, wherever it was read from");
        assertTrue(json.startsWith("{\"app\":\"shop\",\"version\":1,\"entities\":{\"customer\":{\"key\":[\"id\"],"
                + "\"from\":\"customer c\",\"fields\":{\"id\":{\"type\":\"bigint\",\"read\":\"c.id\"}"), json);
        JsonNode tree = new ObjectMapper().readTree(json);
        JsonNode write = tree.at("/entities/customer/writes/0");
        assertEquals("customer", write.get("table").asText());
        assertEquals(":id", write.at("/key/id").asText());
        assertEquals("split_part(:full_name, ' ', 1)", write.at("/set/first_name").asText());
        assertEquals("c.first_name || ' ' || c.last_name", tree.at("/entities/customer/fields/full_name/read").asText());
    }

    @Test
    void normalisesTypesAndAcceptsReadOnlyEntitiesAndQualifiedTables() {
        VersionDefinition d = reader.read("""
                app: shop
                version: 3
                entities:
                  report:
                    key: [day]
                    from: "daily_totals t JOIN (SELECT 1) x ON true"
                    fields:
                      day:   { type: DATE, read: t.day }
                      total: { type: "DECIMAL(12, 2)", read: t.total }
                  tag:
                    key: [id, name]
                    from: tags t
                    fields:
                      id:   { type: int8, read: t.id }
                      name: { type: varchar(40), read: t.name }
                    writes:
                      - table: catalog.tags
                        key: { id: ":id", name: ":name" }
                """, "v3.yaml");
        EntityDefinition report = d.entities().get("report");
        assertTrue(report.readOnly());
        assertEquals("numeric(12,2)", report.fields().get("total").type().sql());
        assertEquals("date", report.fields().get("day").type().sql());
        WriteItem tags = d.entities().get("tag").writes().get(0);
        assertEquals("\"catalog\".\"tags\"", tags.tableName().quoted());
        assertTrue(tags.set().isEmpty(), "set is optional");
        assertEquals(List.of("id", "name"), d.entities().get("tag").key());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read("""
                app: Shop
                version: -1
                colour: red
                entities:
                  customer:
                    key: [id]
                    from: customer c
                    fields:
                      id: { type: bigint, read: c.id }
                      email: { type: money, read: c.email }
                    writes:
                      - table: customer
                        key: { id: ":id" }
                        set: { email: ":mail" }
                """, "schemas/shop/versions/v1.yaml"));
        List<String> lines = e.problems().stream().map(DefinitionProblem::toString).toList();
        assertEquals(List.of(
                "schemas/shop/versions/v1.yaml:3:1: colour: unknown key 'colour'; allowed here: app, version, entities",
                "schemas/shop/versions/v1.yaml:1:6: app: 'Shop' is not a valid name: " + SqlIdentifier.RULE,
                "schemas/shop/versions/v1.yaml:2:10: version: must be a positive integer, e.g. 1 (found '-1')",
                "schemas/shop/versions/v1.yaml:10:22: entities.customer.fields.email.type: type 'money' is not "
                        + "supported; use one of: " + FieldType.SUPPORTED,
                "schemas/shop/versions/v1.yaml:14:23: entities.customer.writes[0].set.email: ':mail' is not a field of "
                        + "entity customer (fields: id, email)"), lines);
        assertTrue(e.getMessage().startsWith("5 problems in version definitions:\n  schemas/shop/versions/v1.yaml:3:1:"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Fix each line above and load the definitions again; nothing was applied."));
        assertTrue(e instanceof TandemException);
    }

    @Test
    void aMissingFileIsAProblemNamingIt() {
        Path missing = Path.of("no/such/v1.yaml");
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(missing));
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().contains("no/such/v1.yaml: cannot read the file"), e.getMessage());
    }

    @Test
    void writesMayBeEmptyButNotAScalar() {
        String base = """
                app: shop
                version: 1
                entities:
                  customer:
                    key: [id]
                    from: customer c
                    fields:
                      id: { type: bigint, read: c.id }
                    writes:%s
                """;
        assertTrue(reader.read(base.formatted(""), "x.yaml").entities().get("customer").readOnly());
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> reader.read(base.formatted(" customer"), "x.yaml"));
        assertEquals("x.yaml:9:13: entities.customer.writes: must be a list of write items (- table: ...), not a value",
                e.problems().get(0).toString());
    }
}
