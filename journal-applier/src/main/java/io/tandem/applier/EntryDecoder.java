package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.EntryCheck;
import io.tandem.core.journal.JournalCodec;
import io.tandem.core.journal.JournalEntry;
import io.tandem.core.journal.Op;

import java.util.Arrays;
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
    private final String app;
    private final Map<Integer, VersionDefinition> versions = new TreeMap<>();
    private final JournalCodec codec = new JournalCodec();

    EntryDecoder(String app, List<VersionDefinition> live) {
        this.app = app;
        live.forEach(v -> versions.put(v.version(), v));
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
        VersionDefinition definition = versions.get(version);
        if (definition == null) {
            throw new TandemException("app '" + app + "' has no live version " + version + " (live: "
                    + versions.keySet() + ")");
        }
        EntityDefinition entity = EntryCheck.entity(definition, entityName);
        Op op = Op.fromSql(opText);
        Map<String, FieldType> types = entity.fieldTypes();
        Map<String, Object> key = codec.decode(keyJson, types);
        Map<String, Object> data = dataJson == null ? null : codec.decode(dataJson, types);
        JournalEntry entry = new JournalEntry(app, version, entityName, op, key, data,
                changed == null ? null : Arrays.asList(changed), origin);
        EntryCheck.check(definition, entry);
        return entry;
    }
}
