package io.tandem.applier;

import io.tandem.core.db.TandemSchema;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.DefinitionReader;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.Fence;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.JournalWriter;
import io.tandem.testing.TestDatabase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The test app "acct": Tandem installed, physical tables created, version 1 registered. */
final class AcctFixture {
    private AcctFixture() {
    }

    static VersionDefinition definition() {
        return new DefinitionReader().read(resource("acct/v1.yaml"), "acct/v1.yaml");
    }

    static VersionDefinition install(TestDatabase db) throws SQLException {
        TandemSchema.install(db.dataSource());
        VersionDefinition v1 = definition();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(resource("acct/physical.sql"));
            VersionRegistry.save(c, v1);
        }
        return v1;
    }

    /** Appends {@code entries} with {@code writer} in one committed transaction; returns its txid. */
    static long commit(TestDatabase db, JournalWriter writer, List<JournalEntry> entries) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            writer.append(c, entries);
            long txid = Fence.currentTxid(c);
            c.commit();
            return txid;
        }
    }

    static String resource(String name) {
        try (InputStream in = AcctFixture.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
