package io.tandem.applier;

import io.tandem.core.storage.JournalPartition;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a journal partition to a directory before retention removes it: one gzip-compressed CSV file per
 * partition ({@code journal_<from>_<to>.csv.gz}, with a header) and an entry in {@link ArchiveManifest}.
 *
 * <p>The rows are written in apply order (a transaction's rows together, transactions by their largest seq, as the
 * applier orders a batch), each with that largest seq ({@code group_max}), so that {@link ArchiveReplay} can merge
 * any number of files into one order that keeps every key's writes in commit order. Rows of transactions the
 * applier rejected are left out: the archive holds what the tables were built from. The file is complete (written,
 * flushed, checksummed and moved into place) before the manifest names it, and the manifest before the partition
 * is dropped.
 */
final class PartitionArchive {
    static final String COLUMNS = "seq, txid, app, app_version, entity, op, key, data, changed, origin, written_at,"
            + " group_max";

    private final Path dir;

    PartitionArchive(Path dir) {
        this.dir = dir;
    }

    /** Archives {@code p} (read through {@code c}, the journal's owner) and returns its file's name. */
    String write(Connection c, JournalPartition p) throws SQLException, IOException {
        Files.createDirectories(dir);
        String file = "journal_" + (p.from() == null ? 0 : p.from()) + "_" + p.to() + ".csv.gz";
        Path tmp = dir.resolve(file + ".tmp");
        String copy = """
                COPY (SELECT %s FROM (SELECT j.*, max(j.seq) OVER (PARTITION BY j.txid) AS group_max
                                        FROM tandem.%s j
                                       WHERE NOT EXISTS (SELECT 1 FROM tandem.rejects r
                                                          WHERE r.app = j.app AND r.txid = j.txid)) g
                       ORDER BY group_max, seq)
                  TO STDOUT (FORMAT csv, HEADER true)""".formatted(COLUMNS, p.name());
        MessageDigest sha = sha256();
        long rows;
        try (OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(tmp), sha), 1 << 16)) {
            rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut(copy, out);
        }
        Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ArchiveManifest.read(dir).with(new ArchiveManifest.Entry(file, p.from(), p.to(), rows,
                HexFormat.of().formatHex(sha.digest()))).write(dir);
        return file;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
