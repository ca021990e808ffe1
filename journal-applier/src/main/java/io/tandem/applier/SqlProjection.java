package io.tandem.applier;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@link Projection} of an app's live versions: each entity of each version through its {@link EntityWrites}. */
final class SqlProjection implements Projection {
    /** Version → entity name → its writes: two lookups by values the row already holds, no key built per row. */
    private final Map<Integer, Map<String, EntityWrites>> entities = new HashMap<>();

    private final ApplyOrder order;

    SqlProjection(List<VersionDefinition> versions, TableLinks links) {
        for (VersionDefinition version : versions) {
            for (EntityDefinition entity : version.entities().values()) {
                entities.computeIfAbsent(version.version(), v -> new HashMap<>())
                        .put(entity.name(), new EntityWrites(entity));
            }
        }
        this.order = new ApplyOrder(links);
    }

    @Override
    public List<PlannedGroup> regroup(List<SourceTransaction> transactions) {
        List<PlannedGroup> planned = new ArrayList<>();
        for (ApplyOrder.Group group : order.arrange(rows(transactions))) {
            planned.add(GroupWriter.plan(group));
        }
        return planned;
    }

    @Override
    public int apply(Connection c, List<PlannedGroup> groups) throws SQLException {
        MissedWrites missed = new MissedWrites();
        try (StatementBatcher batcher = new StatementBatcher(c, missed)) {
            for (PlannedGroup group : groups) {
                write(c, batcher, group, missed);
            }
            batcher.flush();
        }
        return missed.count();
    }

    @Override
    public int applyInJournalOrder(Connection c, List<SourceTransaction> transactions) throws SQLException {
        MissedWrites missed = new MissedWrites();
        try (StatementBatcher batcher = new StatementBatcher(c, missed)) {
            for (List<ApplyOrder.Step> row : rows(transactions)) {
                for (ApplyOrder.Step step : row) {
                    batcher.add(step.statement(), step.entry());
                }
            }
            batcher.flush();
        }
        return missed.count();
    }

    /** Each journal row's statements, in journal order. */
    private List<List<ApplyOrder.Step>> rows(List<SourceTransaction> transactions) {
        List<List<ApplyOrder.Step>> rows = new ArrayList<>();
        for (SourceTransaction tx : transactions) {
            for (JournalRow row : tx.rows()) {
                JournalEntry entry = row.entry();
                List<ApplyOrder.Step> steps = new ArrayList<>();
                for (WriteStatement statement : entities.get(entry.version()).get(entry.entity()).statementsFor(entry)) {
                    steps.add(new ApplyOrder.Step(statement, entry));
                }
                rows.add(steps);
            }
        }
        return rows;
    }

    private static void write(Connection c, StatementBatcher batcher, PlannedGroup planned, MissedWrites missed)
            throws SQLException {
        if (planned.columns() == null) {
            ApplyOrder.Group group = planned.group();
            for (JournalEntry entry : group.entries()) {
                batcher.add(group.statement(), entry);
            }
            return;
        }
        batcher.flush();
        GroupWriter.write(c, planned, missed);
    }
}
