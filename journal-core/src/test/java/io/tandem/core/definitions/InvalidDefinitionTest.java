package io.tandem.core.definitions;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One fixture per problem class: each must be reported at its exact line, path and with a telling message. */
class InvalidDefinitionTest {
    private static final Path DIR = Path.of("src/test/resources/definitions/invalid");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            syntax-error.yaml             |  3 | ""                                        | YAML syntax error: mapping values are not allowed
            unknown-key.yaml              |  7 | entities.customer.form                    | unknown key 'form'; allowed here: key, from, fields, writes
            missing-read.yaml             | 10 | entities.customer.fields.email            | missing required key 'read'
            missing-entities.yaml         |  1 | ""                                        | missing required key 'entities'
            version-zero.yaml             |  2 | version                                   | must be a positive integer, e.g. 1 (found '0')
            version-not-integer.yaml      |  2 | version                                   | must be a positive integer, e.g. 1 (found 'one')
            unknown-param.yaml            | 15 | entities.customer.writes[0].set.full_name | ':ful_name' is not a field of entity customer (fields: id, full_name, email)
            key-not-declared.yaml         |  5 | entities.customer.key[0]                  | key field 'uid' is not declared under fields of entity customer
            key-empty.yaml                |  5 | entities.customer.key                     | is empty; list the fields that identify the entity
            write-key-empty.yaml          | 13 | entities.customer.writes[0].key           | must map at least one column
            write-key-not-key-field.yaml  | 13 | entities.customer.writes[0].key.email     | ':email' is not a key field of entity customer (key: id)
            bad-entity-name.yaml          |  4 | entities.Customer                         | 'Customer' is not a valid entity name: use lowercase
            bad-column-name.yaml          | 16 | entities.customer.writes[0].set.e-mail    | 'e-mail' is not a valid column name
            bad-table-name.yaml           | 12 | entities.customer.writes[0].table         | 'shop.public.customer' is not a valid table name
            bad-app-name.yaml             |  1 | app                                       | 'Shop' is not a valid name
            unknown-type.yaml             | 10 | entities.customer.fields.email.type       | type 'money' is not supported; use one of: smallint
            duplicate-field.yaml          | 11 | entities.customer.fields.email            | duplicate key 'email' (first at line 10)
            duplicate-entity.yaml         | 17 | entities.customer                         | duplicate key 'customer' (first at line 4)
            semicolon.yaml                | 16 | entities.customer.writes[0].set.email     | ';' at offset 6 is not allowed outside quotes
            read-with-param.yaml          | 10 | entities.customer.fields.email.read       | a read expression cannot use parameters (':email')
            v2.yaml                       |  2 | version                                   | file v2.yaml declares version 1; rename the file to v1.yaml or set version: 2
            empty.yaml                    |  1 | ""                                        | the file is empty
            unquoted-comma-type.yaml      |  9 | entities.orders.fields.total.type         | (inside { } quote a type with a comma: type: "numeric(12,2)")
            not-a-mapping.yaml            |  1 | ""                                        | must be a mapping (key: value), not a list
            version-field-undeclared.yaml |  7 | entities.customer.version_field           | version field 'revision' is not declared under fields of entity customer (fields: id, email, version)
            version-field-key.yaml        |  7 | entities.customer.version_field           | version field 'id' is a key field
            version-field-text.yaml       |  7 | entities.customer.version_field           | version field 'email' is declared text; an optimistic-lock field must be smallint, integer, bigint, timestamp or timestamptz
            version-field-read-only.yaml  |  7 | entities.customer.version_field           | entity customer is read-only (no writes)
            """)
    void reportsTheProblemAtItsLine(String file, int line, String path, String phrase) {
        Path fixture = DIR.resolve(file);
        DefinitionException e = assertThrows(DefinitionException.class, () -> new DefinitionReader().read(fixture));

        DefinitionProblem problem = e.problems().stream().filter(p -> p.message().contains(phrase)).findFirst()
                .orElseThrow(() -> new AssertionError("no problem says '" + phrase + "' in:\n" + e.getMessage()));
        assertEquals(fixture.toString(), problem.sourceFile());
        assertEquals(line, problem.line(), e.getMessage());
        assertTrue(problem.column() > 0, "column known: " + problem);
        assertEquals(path, problem.path());
        assertTrue(e.getMessage().contains(fixture + ":" + line + ":" + problem.column() + ": "),
                "message lists FILE:LINE:COL: " + e.getMessage());
    }
}
