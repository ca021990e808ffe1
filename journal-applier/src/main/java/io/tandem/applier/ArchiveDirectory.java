package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.storage.JournalPartition;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A journal archive in a directory: one gzip-compressed CSV file per partition ({@code journal_<from>_<to>.csv.gz},
 * with a header, {@link JournalArchive#COLUMNS}) and {@link ArchiveManifest} naming each with its row count and
 * checksum.
 *
 * <p>A file is complete (written, flushed, checksummed and moved into place) before the manifest names it, so a
 * crash leaves at most an unnamed file that the next pass overwrites. Reading back checks every file against the
 * manifest as it loads it: a file changed or cut short since is refused before the caller appends anything.
 */
final class ArchiveDirectory implements JournalArchive {
    private final Path dir;

    ArchiveDirectory(Path dir) {
        this.dir = dir;
    }

    @Override
    public String store(Connection journal, JournalPartition p) throws SQLException, IOException {
        Files.createDirectories(dir);
        String file = "journal_" + (p.from() == null ? 0 : p.from()) + "_" + p.to() + ".csv.gz";
        Path tmp = dir.resolve(file + ".tmp");
        MessageDigest sha = sha256();
        long rows;
        try (OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(tmp), sha), 1 << 16)) {
            rows = journal.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "COPY (" + JournalArchive.rowsOf(p) + ") TO STDOUT (FORMAT csv, HEADER true)", out);
        }
        Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ArchiveManifest.read(dir).with(new ArchiveManifest.Entry(file, p.from(), p.to(), rows,
                HexFormat.of().formatHex(sha.digest()))).write(dir);
        return file;
    }

    @Override
    public int loadInto(Connection target, String table, Consumer<String> progress) throws SQLException {
        ArchiveManifest manifest = manifest();
        for (ArchiveManifest.Entry entry : manifest.partitions()) {
            load(target, table, entry);
            progress.accept("loaded " + entry.file() + " (" + entry.rows() + " rows)");
        }
        return manifest.partitions().size();
    }

    private ArchiveManifest manifest() {
        if (!Files.exists(dir.resolve(ArchiveManifest.FILE))) {
            throw new TandemException("No journal archive in " + dir + ": " + (Files.isDirectory(dir)
                    ? "it has no " + ArchiveManifest.FILE : "there is no such directory") + ". Give the directory the"
                    + " retention policy archives into (tandem journal retention).");
        }
        try {
            return ArchiveManifest.read(dir);
        } catch (IOException e) {
            throw new TandemException("Could not read " + dir.resolve(ArchiveManifest.FILE) + ": " + e.getMessage(), e);
        }
    }

    private void load(Connection target, String table, ArchiveManifest.Entry entry) throws SQLException {
        Path file = dir.resolve(entry.file());
        MessageDigest sha = sha256();
        long rows;
        try (InputStream in = new GZIPInputStream(new DigestInputStream(Files.newInputStream(file), sha), 1 << 16)) {
            rows = target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + COLUMNS
                    + ") FROM STDIN (FORMAT csv, HEADER true)", in);
            in.transferTo(OutputStream.nullOutputStream()); // the gzip trailer, into the checksum
        } catch (IOException e) {
            throw new TandemException("Could not read archive file " + file + ": " + e.getMessage()
                    + ". Nothing was appended.", e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(entry.sha256()) || rows != entry.rows()) {
            throw new TandemException("Archive file " + file + " does not match " + ArchiveManifest.FILE + " (sha256 "
                    + actual + ", " + rows + " rows; the manifest says " + entry.sha256() + ", " + entry.rows()
                    + " rows): it was changed or truncated. Nothing was appended.");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
