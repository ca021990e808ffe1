package io.tandem.applier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code manifest.json} of a journal archive directory: one entry per archived partition, in the order they were
 * archived. Written whole to a temporary file and moved into place, so a reader never sees half of it and a crash
 * leaves the previous manifest.
 *
 * @param format     the archive's format version (1: gzip CSV with a header, columns as {@link JournalArchive#COLUMNS})
 * @param partitions the archived partitions
 */
record ArchiveManifest(int format, List<Entry> partitions) {
    static final String FILE = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One archived partition.
     *
     * @param file     the file's name in the directory
     * @param fromTxid its lower txid bound (null: none)
     * @param toTxid   its upper txid bound
     * @param rows     rows in the file (rejected transactions left out)
     * @param sha256   the file's checksum, hex
     */
    record Entry(String file, Long fromTxid, Long toTxid, long rows, String sha256) {
    }

    static ArchiveManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        return Files.exists(file) ? JSON.readValue(file.toFile(), ArchiveManifest.class)
                : new ArchiveManifest(1, List.of());
    }

    ArchiveManifest with(Entry entry) {
        List<Entry> all = new ArrayList<>();
        partitions.stream().filter(e -> !e.file().equals(entry.file())).forEach(all::add);
        all.add(entry);
        return new ArchiveManifest(format, List.copyOf(all));
    }

    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
