package io.tandem.core.journal;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Appends journal entries inside the caller's transaction, on the caller's {@link Connection}: the plain JDBC
 * way to write through Tandem.
 *
 * <p>Guarantees: every entry is checked against its version's definition before anything is sent
 * ({@link EntryCheck}, the rules the applier holds every row to); if one is wrong, a {@link TandemException} names
 * it and nothing is written. The entries then go out as one JDBC batch of {@code INSERT INTO tandem.journal}, in
 * order. The journal's insert trigger takes the per-key lock before allocating each row's seq, so writes to one
 * key are applied in commit order. Thread-safe; keep one per app.
 *
 * <p>Why check here when the applier checks too: a row the applier refuses is found after its transaction
 * committed, by which time the app has told its user the write succeeded; refused here, the caller's transaction
 * still decides.
 */
public final class JournalWriter {
    private static final String INSERT = "INSERT INTO tandem.journal (app, app_version, entity, op, key, data, changed,"
            + " origin) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)";

    private final Map<String, VersionDefinition> versions = new HashMap<>();
    private final JournalCodec codec = new JournalCodec();

    /** A writer for entries of the given versions (of one or more apps). */
    public JournalWriter(List<VersionDefinition> definitions) {
        for (VersionDefinition v : definitions) {
            versions.put(v.app() + "/" + v.version(), v);
        }
    }

    /** Appends one entry. */
    public void append(Connection c, JournalEntry entry) throws SQLException {
        append(c, List.of(entry));
    }

    /** Checks every entry, then appends them all as one batch, in order. */
    public void append(Connection c, List<JournalEntry> entries) throws SQLException {
        List<String[]> encoded = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry entry = entries.get(i);
            check(entry, i, entries.size());
            encoded.add(new String[]{codec.encode(entry.key()), entry.data() == null ? null : codec.encode(entry.data())});
        }
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (int i = 0; i < entries.size(); i++) {
                JournalEntry e = entries.get(i);
                s.setString(1, e.app());
                s.setInt(2, e.version());
                s.setString(3, e.entity());
                s.setString(4, e.op().sql());
                s.setString(5, encoded.get(i)[0]);
                s.setString(6, encoded.get(i)[1]);
                s.setArray(7, e.changed() == null ? null : c.createArrayOf("text", e.changed().toArray()));
                s.setString(8, e.origin());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private void check(JournalEntry entry, int index, int count) {
        String where = "Journal entry rejected before writing (nothing was written): "
                + (count > 1 ? "entry " + (index + 1) + " of " + count + ": " : "");
        VersionDefinition version = versions.get(entry.app() + "/" + entry.version());
        if (version == null) {
            throw new TandemException(where + entry.op().sql() + " of " + entry.app() + " v" + entry.version()
                    + " entity '" + entry.entity() + "': this writer has no definition of version " + entry.version()
                    + " of app '" + entry.app() + "' (it has " + known() + "); give the JournalWriter that version's"
                    + " definition.");
        }
        try {
            EntryCheck.check(version, entry);
        } catch (TandemException e) {
            throw new TandemException(where + e.getMessage() + ".", e);
        }
    }

    private String known() {
        return versions.values().stream().map(v -> v.app() + " v" + v.version()).sorted()
                .collect(Collectors.joining(", "));
    }
}
