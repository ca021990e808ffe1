package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The view {@code "<app>_v<N>"."<entity>"} (docs/views.md, "Own writes"): the physical rows whose key the current
 * transaction has not journaled, UNION ALL the transaction's own state of every key it journaled
 * ({@link OwnStateFunction}).
 *
 * <p>Guarantees: it returns the same row type as the plain view — the own state's columns are cast to the exact
 * types of the physical SELECT's columns ({@link CompiledSelect}), so a prepared statement re-planned after the write
 * trigger switched the search_path keeps its result type.
 *
 * <p>Why the gate on this entity's journal rows: a transaction reads the overlay views from its first write on, and
 * most of what it reads then are entities it has not written. Both arms test, once per query in an InitPlan, whether
 * the transaction journaled this entity of this version (an index probe on the journal's {@code (app, txid)}); until
 * it has, the first arm is the physical SELECT behind a constant filter and the second never runs. The journal is read
 * by the view itself, with its owner's rights, so the test and the keys to leave out are planned with the query
 * instead of in a function planned on every call (which cost ~0.3 ms a query).
 */
final class OverlayView {
    private static final String CREATE = """
            CREATE VIEW ${view} AS
            SELECT ${physicalColumns}
              FROM (${physicalSelect}) b
             WHERE NOT (SELECT EXISTS (SELECT 1 FROM ${ownRows}))
                OR NOT (${physicalKey} IN (SELECT j.key FROM ${ownRows}))
            UNION ALL
            SELECT ${ownColumns}
              FROM ${ownFunction}() s
             WHERE (SELECT EXISTS (SELECT 1 FROM ${ownRows}))""";

    private OverlayView() {
    }

    /**
     * {@code CREATE VIEW} of the overlay view named by {@code objects}.
     *
     * @param physicalSelect the entity's plain view query
     * @param columnTypes    the exact types of its columns, in field order
     */
    static String create(EntityObjects objects, VersionDefinition v, EntityDefinition entity, String physicalSelect,
                         List<String> columnTypes) {
        List<String> columns = new ArrayList<>();
        List<String> ownColumns = new ArrayList<>();
        int i = 0;
        for (FieldDefinition f : entity.fields().values()) {
            String q = SqlIdentifier.of(f.name()).quoted();
            columns.add("b." + q);
            String source = entity.key().contains(f.name()) ? "s.key" : "s.state";
            ownColumns.add(JournalJson.decode(f, source, columnTypes.get(i++)) + " AS " + q);
        }
        return SqlTemplate.fill(CREATE, Map.of(
                "view", objects.view(),
                "physicalColumns", String.join(", ", columns),
                "physicalSelect", physicalSelect,
                "physicalKey", JournalJson.object(entity.key(), entity, k -> "b." + SqlIdentifier.of(k).quoted()),
                "ownRows", OwnStateFunction.ownRows(v, entity),
                "ownColumns", String.join(",\n", ownColumns),
                "ownFunction", objects.ownFunction()));
    }
}
