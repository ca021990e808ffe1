package io.tandem.applier;

import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.JournalEntry;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Journal entries of the test app "acct" ({@link AcctFixture}), and the steps they compile to. */
final class AcctEntries {
    private AcctEntries() {
    }

    static JournalEntry insertItem(long id, String token) {
        return JournalEntry.insert("acct", 1, "item", Map.of("id", id), Map.of("id", id, "val", id, "token", token));
    }

    static JournalEntry updateItem(long id, long val) {
        return JournalEntry.update("acct", 1, "item", Map.of("id", id), Map.of("val", val), List.of("val"));
    }

    static JournalEntry updateToken(long id, String token) {
        return JournalEntry.update("acct", 1, "item", Map.of("id", id), Map.of("token", token), List.of("token"));
    }

    static JournalEntry insertLine(long id, long item) {
        return insertLine(id, item, new BigDecimal("1.00"));
    }

    static JournalEntry insertLine(long id, long item, BigDecimal amount) {
        return JournalEntry.insert("acct", 1, "line", Map.of("id", id),
                Map.of("id", id, "item_id", item, "amount", amount));
    }

    /** Each entry of acct's items and lines as the steps it compiles to, in journal order. */
    static List<List<ApplyOrder.Step>> rows(VersionDefinition acct, JournalEntry... entries) {
        EntityWrites item = new EntityWrites(acct.entities().get("item"));
        EntityWrites line = new EntityWrites(acct.entities().get("line"));
        List<List<ApplyOrder.Step>> rows = new ArrayList<>();
        for (JournalEntry e : entries) {
            rows.add(steps(e.entity().equals("item") ? item : line, e));
        }
        return rows;
    }

    static List<ApplyOrder.Step> steps(EntityWrites writes, JournalEntry e) {
        return writes.statementsFor(e).stream().map(s -> new ApplyOrder.Step(s, e)).toList();
    }

    /** A group's rows as {@code INSERT 7}: the statement's verb and the row's id. */
    static List<String> describe(ApplyOrder.Group group) {
        return group.entries().stream().map(e -> group.statement().sql().split(" ")[0] + " " + e.key().get("id"))
                .toList();
    }
}
