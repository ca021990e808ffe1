package io.tandem.views;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key's sequence is found and named correctly whatever characters its catalog names hold. */
@PostgresTest
class KeySequencesTest {
    private static final VersionDefinition ODD = Shop.definition("""
            app: oddseq
            version: 1
            entities:
              thing:
                key: [id]
                from: thing t
                fields:
                  id:   { type: bigint, read: t.id }
                  name: { type: text,   read: t.name }
                writes:
                  - table: thing
                    key: { id: ":id" }
                    set: { name: ":name" }
            """);

    @Test
    void aSequenceWithQuotesAndCapitalsInItsNamesFillsTheKeyAndIsGranted(TestDatabase db) throws Exception {
        TandemSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"Odd \"\"Schema\"");
            s.execute("CREATE SEQUENCE \"Odd \"\"Schema\".\"Id \"\"Seq\" START 500");
            s.execute("CREATE TABLE thing (id bigint PRIMARY KEY DEFAULT nextval('\"Odd \"\"Schema\".\"Id \"\"Seq\"'),"
                    + " name text)");
            Shop.runInOneTransaction(c, new ViewGenerator(RoleNaming.pattern("%s_v%d_seqtest")).statements(c, ODD));
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("INSERT INTO oddseq_v1.thing (name) VALUES ('x') RETURNING id")) {
                assertTrue(rs.next());
                assertEquals(500, rs.getLong(1), "drawn from the sequence by the trigger");
            }
            c.rollback();
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.has_sequence_privilege('oddseq_v1_seqtest',"
                    + " '\"Odd \"\"Schema\".\"Id \"\"Seq\"', 'USAGE'), pg_catalog.has_schema_privilege("
                    + "'oddseq_v1_seqtest', 'Odd \"Schema', 'USAGE')")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1), "USAGE on the sequence");
                assertTrue(rs.getBoolean(2), "USAGE on its schema");
            }
        }
    }
}
