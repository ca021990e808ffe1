package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldDefinition;
import io.tandem.core.definitions.SqlIdentifier;

import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Why this shape: a transaction reads the overlay views from its first write on, and most of what it reads then
 * are entities it has not written. The own state is computed once per use of the view, in a materialized CTE (one
 * call of the function, none without a transaction id), and the physical arm tests once, in an InitPlan, whether it
 * is empty: until the transaction journaled this entity, the physical SELECT runs behind a constant filter, with no
 * per-row key test. After, the test compares typed key values (decoded once per own key, a hash probe per physical
 * row), not each physical row's key built as journal JSON; a null key of the physical SELECT matches none.
 *
 * <p>The view itself never names the journal: a partitioned table in the view would be planned into every query
 * through it, and with the custom plans PostgreSQL makes for most parameterised queries that planning is paid on
 * every execution (it cost more than the function call it saved).
 */
final class OverlayView {
    private static final String CREATE = """
            CREATE VIEW ${view} AS
            WITH "tandem own" AS MATERIALIZED (
                SELECT s.key, s.state
                  FROM ${ownFunction}() s
                 WHERE pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL)
            SELECT ${physicalColumns}
              FROM (${physicalSelect}) b
             WHERE NOT (SELECT EXISTS (SELECT 1 FROM "tandem own"))
                OR NOT COALESCE((${physicalKey}) IN (SELECT ${ownKey} FROM "tandem own" o), false)
            UNION ALL
            SELECT ${ownColumns}
              FROM "tandem own" s
             WHERE s.state IS NOT NULL""";

    private OverlayView() {
    }

    /**
     * {@code CREATE VIEW} of the overlay view named by {@code objects}.
     *
     * @param physicalSelect the entity's plain view query
     * @param columnTypes    the exact types of its columns, in field order
     */
    static String create(EntityObjects objects, EntityDefinition entity, String physicalSelect,
                         List<String> columnTypes) {
        List<String> columns = new ArrayList<>();
        List<String> ownColumns = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        int i = 0;
        for (FieldDefinition f : entity.fields().values()) {
            String q = SqlIdentifier.of(f.name()).quoted();
            types.put(f.name(), columnTypes.get(i++));
            columns.add("b." + q);
            String source = entity.key().contains(f.name()) ? "s.key" : "s.state";
            ownColumns.add(JournalJson.decode(f, source, types.get(f.name())) + " AS " + q);
        }
        List<String> physicalKey = new ArrayList<>();
        List<String> ownKey = new ArrayList<>();
        for (String k : entity.key()) {
            physicalKey.add("b." + SqlIdentifier.of(k).quoted());
            ownKey.add(JournalJson.decode(entity.fields().get(k), "o.key", types.get(k)));
        }
        return SqlTemplate.fill(CREATE, Map.of(
                "view", objects.view(),
                "physicalColumns", String.join(", ", columns),
                "physicalSelect", physicalSelect,
                "physicalKey", String.join(", ", physicalKey),
                "ownKey", String.join(", ", ownKey),
                "ownColumns", String.join(",\n", ownColumns),
                "ownFunction", objects.ownFunction()));
    }
}
