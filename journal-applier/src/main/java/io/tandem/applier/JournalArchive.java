package io.tandem.applier;

import io.tandem.core.storage.JournalPartition;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Where retention puts a journal partition before it removes it, and where {@link ArchiveReplay} reads the history
 * back: a directory of files ({@link ArchiveDirectory}) or another PostgreSQL database ({@link ArchiveDatabase}).
 *
 * <p>The contract both keep:
 * <ul>
 *   <li>{@link #store} returns only once the partition's rows are durable in the archive and the archive lists the
 *       partition; a crash before that leaves nothing listed, and the next pass stores the partition again (it is
 *       still in the journal, as it is dropped only after {@code store} returned). Storing a partition the archive
 *       already lists keeps one copy.</li>
 *   <li>The rows stored are the partition's, in apply order (a transaction's rows together, transactions by their
 *       largest seq), each with that largest seq as {@code group_max}, rows of rejected transactions left out: what
 *       the tables were built from, in an order any number of partitions can be merged back into.</li>
 *   <li>{@link #loadInto} gives back every stored row, and refuses an archive it cannot vouch for (a file changed
 *       since, rows added or removed) before its caller appends anything to a journal.</li>
 * </ul>
 */
interface JournalArchive {
    /** The columns of an archived row, in the order both archives write them. */
    String COLUMNS = "seq, txid, app, app_version, entity, op, key, data, changed, origin, written_at, group_max";
    /** {@link #COLUMNS} with their types, for a table that holds archived rows. */
    String COLUMN_TYPES = """
            seq bigint NOT NULL, txid xid8 NOT NULL, app text NOT NULL, app_version int NOT NULL, entity text NOT NULL,
            op text NOT NULL, key jsonb NOT NULL, data jsonb, changed text[], origin text,
            written_at timestamptz NOT NULL, group_max bigint NOT NULL""";

    /**
     * Stores partition {@code p}, read through {@code journal} (a connection of the journal's owner), and returns
     * where it went (recorded in {@code tandem.journal_partitions.archive_file}).
     */
    String store(Connection journal, JournalPartition p) throws SQLException, IOException;

    /**
     * Copies every archived row into {@code table} of {@code target} (a table with {@link #COLUMNS}) and returns how
     * many partitions they came from.
     *
     * @throws io.tandem.core.TandemException if the archive is missing, damaged or incomplete
     */
    int loadInto(Connection target, String table, Consumer<String> progress) throws SQLException;

    /**
     * The archive at {@code location}: a {@code jdbc:postgresql:} URL or a directory.
     *
     * @throws IllegalArgumentException for a URL that is not a PostgreSQL JDBC URL without a password
     */
    static JournalArchive at(String location) {
        boolean url = location.startsWith("jdbc:") || location.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
        return url ? new ArchiveDatabase(location) : new ArchiveDirectory(Path.of(location));
    }

    /** The rows of partition {@code p} as the archive holds them (see the contract above). */
    static String rowsOf(JournalPartition p) {
        return """
                SELECT %s FROM (SELECT j.*, max(j.seq) OVER (PARTITION BY j.txid) AS group_max
                                  FROM tandem.%s j
                                 WHERE NOT EXISTS (SELECT 1 FROM tandem.rejects r
                                                    WHERE r.app = j.app AND r.txid = j.txid)) g
                 ORDER BY group_max, seq""".formatted(COLUMNS, p.name());
    }
}
