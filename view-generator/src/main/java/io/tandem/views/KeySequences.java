package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.SqlExpression;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.definitions.WriteItem;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sequences a version's entity keys draw their values from: for each write item's key columns, the sequence
 * owned by the column ({@code pg_get_serial_sequence}: serial, identity, {@code OWNED BY}) or named by a
 * {@code nextval(...)} in its default. An app allocates ids from them before its journal row is applied.
 */
final class KeySequences {
    private static final String QUERY = """
            SELECT pg_catalog.quote_ident(n.nspname), pg_catalog.quote_ident(s.relname)
              FROM pg_catalog.pg_class s JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace
             WHERE s.relkind = 'S' AND s.oid IN (
                   SELECT pg_catalog.pg_get_serial_sequence(a.attrelid::pg_catalog.regclass::text, a.attname)
                              ::pg_catalog.regclass::pg_catalog.oid
                     FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = pg_catalog.to_regclass(?) AND a.attname = ANY (?) AND NOT a.attisdropped
                   UNION
                   SELECT d.refobjid
                     FROM pg_catalog.pg_attrdef ad
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
                     JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                          AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    WHERE ad.adrelid = pg_catalog.to_regclass(?) AND a.attname = ANY (?))
             ORDER BY n.nspname, s.relname""";

    private KeySequences() {
    }

    /**
     * A sequence as found in the catalog, its names quoted by the server ({@code quote_ident}): a catalog name may
     * hold any character, so it is never quoted by hand.
     *
     * @param quotedSchema the schema, ready for SQL
     * @param quotedName   the sequence, ready for SQL
     */
    record Sequence(String quotedSchema, String quotedName) {
        /** Schema-qualified, ready for SQL, e.g. {@code public.customer_id_seq}. */
        String quoted() {
            return quotedSchema + "." + quotedName;
        }
    }

    /** The sequences of every write item's key columns, in order of first occurrence, without duplicates. */
    static Set<Sequence> of(Connection c, VersionDefinition v) throws SQLException {
        Set<Sequence> sequences = new LinkedHashSet<>();
        for (EntityDefinition entity : v.entities().values()) {
            for (WriteItem item : entity.writes()) {
                sequences.addAll(of(c, item));
            }
        }
        return sequences;
    }

    private static Set<Sequence> of(Connection c, WriteItem item) throws SQLException {
        return drawnFrom(c, item, item.key().keySet().toArray());
    }

    /** The sequences that {@code columns} of {@code item}'s table draw from, in name order. */
    private static Set<Sequence> drawnFrom(Connection c, WriteItem item, Object[] columns) throws SQLException {
        Set<Sequence> sequences = new LinkedHashSet<>();
        Array names = c.createArrayOf("text", columns);
        try (PreparedStatement s = c.prepareStatement(QUERY)) {
            s.setString(1, item.tableName().quoted());
            s.setArray(2, names);
            s.setString(3, item.tableName().quoted());
            s.setArray(4, names);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    sequences.add(new Sequence(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return sequences;
    }

    /**
     * For each key field of {@code entity} that some write item stores unchanged ({@code column: ":field"}) into a
     * key column drawing from a sequence: that sequence (the first write item that has one wins). The generated
     * insert trigger fills such a field from it when an insert leaves it NULL (IDENTITY ids).
     */
    static Map<String, Sequence> ofKeyFields(Connection c, EntityDefinition entity) throws SQLException {
        Map<String, Sequence> result = new LinkedHashMap<>();
        for (WriteItem item : entity.writes()) {
            for (Map.Entry<String, SqlExpression> column : item.key().entrySet()) {
                String field = column.getValue().loneField().orElse(null);
                if (field == null || result.containsKey(field)) {
                    continue;
                }
                drawnFrom(c, item, new Object[] {column.getKey()}).stream().findFirst()
                        .ifPresent(sequence -> result.put(field, sequence));
            }
        }
        return result;
    }
}
