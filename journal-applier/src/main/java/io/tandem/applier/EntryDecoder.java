package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.EntryCheck;
import io.tandem.core.journal.JournalCodec;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.Op;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes journal rows against the app's live definitions and holds each to {@link EntryCheck}, the rules a
 * {@link io.tandem.core.journal.JournalWriter} checks before writing. A row that does not fit — unknown version or entity,
 * a value of the wrong type, a missing key field, an unknown field — is not an error here: it comes back marked
 * with the reason, to be rejected under the applier's policy.
 */
final class EntryDecoder implements RowDecoder {
    /** What decoding a row of one entity of one version needs, looked up once per entity rather than per row. */
    private record Shape(VersionDefinition version, Map<String, FieldType> types) {
    }

    private final String app;
    private final Map<Integer, VersionDefinition> versions = new TreeMap<>();
    private final Map<Integer, Map<String, Shape>> shapes = new HashMap<>();
    private final JournalCodec codec = new JournalCodec();

    EntryDecoder(String app, List<VersionDefinition> live) {
        this.app = app;
        for (VersionDefinition v : live) {
            versions.put(v.version(), v);
            Map<String, Shape> entities = new HashMap<>();
            v.entities().values().forEach(e -> entities.put(e.name(), new Shape(v, e.fieldTypes())));
            shapes.put(v.version(), entities);
        }
    }

    @Override
    public JournalRow decode(long seq, long txid, int version, String entity, String op, String key, String data,
                             String[] changed, String origin) {
        try {
            JournalEntry entry = entry(version, entity, op, key, data, changed, origin);
            return new JournalRow(seq, txid, entry, null, null);
        } catch (TandemException | IllegalArgumentException e) {
            String raw = "{version " + version + ", entity " + entity + ", op " + op + ", key " + key + "}";
            return new JournalRow(seq, txid, null, raw, e.getMessage());
        }
    }

    private JournalEntry entry(int version, String entityName, String opText, String keyJson, String dataJson,
                               String[] changed, String origin) {
        Shape shape = shape(version, entityName);
        Op op = Op.fromSql(opText);
        Map<String, Object> key = codec.decode(keyJson, shape.types());
        Map<String, Object> data = dataJson == null ? null : codec.decode(dataJson, shape.types());
        JournalEntry entry = new JournalEntry(app, version, entityName, op, key, data,
                changed == null ? null : Arrays.asList(changed), origin);
        EntryCheck.check(shape.version(), entry);
        return entry;
    }

    private Shape shape(int version, String entityName) {
        Map<String, Shape> entities = shapes.get(version);
        if (entities == null) {
            throw new TandemException("app '" + app + "' has no live version " + version + " (live: "
                    + versions.keySet() + ")");
        }
        Shape shape = entities.get(entityName);
        if (shape == null) {
            EntryCheck.entity(versions.get(version), entityName); // throws, naming the version's entities
        }
        return shape;
    }
}
