package io.tandem.orm;

import io.tandem.core.JournalCodec;
import io.tandem.core.JournalEntry;
import io.tandem.core.VersionDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends journal entries inside the caller's transaction, on the caller's {@link Connection}: the plain JDBC
 * way to write through Tandem.
 *
 * <p>Every entry is checked against its version's definition before anything is sent ({@link EntryCheck}); if
 * one is wrong, an {@link io.tandem.core.TandemException} names it and nothing is written. The entries then go
 * out as one JDBC batch of {@code INSERT INTO tandem.journal}. The journal's insert trigger takes the per-key lock
 * before allocating each row's seq, so writes to one key are applied in commit order. Thread-safe; keep one per
 * app.
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
            new EntryCheck(versions, i, entries.size()).check(entry);
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
}
