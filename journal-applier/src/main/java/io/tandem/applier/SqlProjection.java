package io.tandem.applier;

import io.tandem.core.EntityDefinition;
import io.tandem.core.JournalEntry;
import io.tandem.core.VersionDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@link Projection} of an app's live versions: each entity of each version through its {@link EntityWrites}. */
final class SqlProjection implements Projection {
    private final Map<String, EntityWrites> entities = new HashMap<>();

    SqlProjection(List<VersionDefinition> versions) {
        for (VersionDefinition version : versions) {
            for (EntityDefinition entity : version.entities().values()) {
                entities.put(key(version.version(), entity.name()), new EntityWrites(entity));
            }
        }
    }

    @Override
    public void apply(Connection c, List<SourceTransaction> transactions) throws SQLException {
        try (StatementBatcher batcher = new StatementBatcher(c)) {
            for (SourceTransaction tx : transactions) {
                for (JournalRow row : tx.rows()) {
                    JournalEntry entry = row.entry();
                    EntityWrites writes = entities.get(key(entry.version(), entry.entity()));
                    for (WriteStatement statement : writes.statementsFor(entry)) {
                        batcher.add(statement, entry);
                    }
                }
            }
            batcher.flush();
        }
    }

    private static String key(int version, String entity) {
        return version + "/" + entity;
    }
}
