package io.tandem.applier;

import io.tandem.core.TandemException;
import io.tandem.core.storage.JournalPartition;
import io.tandem.core.storage.JournalPartitions;
import io.tandem.testing.PasswordFile;
import io.tandem.testing.PostgresServer;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An archive database keeps {@link JournalArchive}'s contract: a partition stored twice is there once, whole, in
 * apply order; the history of another database is not mixed in; rows missing since are found before a replay loads
 * anything; a copy the archive refuses leaves the journal's connection as it was; and the URL never carries a
 * password.
 */
@PostgresTest
class ArchiveDatabaseTest {
    @TempDir
    static Path passwords;
    private static TestDatabase archiveDb;
    private static PasswordFile passwordFile;
    private static ArchiveDatabase archive;
    private static JournalPartition partition;

    @BeforeAll
    static void journalWithThreeTransactions(TestDatabase db) throws Exception {
        AcctFixture.install(db);
        try (Connection c = db.connect()) {
            JournalRetentionTest.append(c, 1, "a");
            c.setAutoCommit(false);
            JournalRetentionTest.append(c, 2, "b");
            JournalRetentionTest.append(c, 3, "c");
            c.commit();
            c.setAutoCommit(true);
            JournalRetentionTest.append(c, 4, "d");
            String table = scalar(c, "SELECT DISTINCT tableoid::regclass::text FROM tandem.journal");
            partition = JournalPartitions.attached(c).stream().filter(p -> table.equals("tandem." + p.name()))
                    .findFirst().orElseThrow();
        }
        PostgresServer.get().dropDatabase("journal_archive_db"); // left by a run that was killed
        archiveDb = PostgresServer.get().createDatabase("journal_archive_db");
        passwordFile = new PasswordFile(archiveDb, passwords);
        archive = new ArchiveDatabase(PasswordFile.urlWithLogin(archiveDb));
    }

    @AfterAll
    static void dropTheArchive() throws SQLException {
        if (passwordFile != null) {
            passwordFile.close();
        }
        PostgresServer.get().dropDatabase("journal_archive_db");
    }

    @Test
    void aPartitionStoredTwiceIsThereOnceWholeInApplyOrder(TestDatabase db) throws Exception {
        try (Connection c = db.connect()) {
            archive.store(c, partition);
            archive.store(c, partition); // a pass killed after the archive committed, before the drop
        }
        try (Connection a = archiveDb.connect()) {
            assertEquals("1", scalar(a, "SELECT count(*) FROM tandem_archive.partitions"));
            assertEquals("4", scalar(a, "SELECT rows FROM tandem_archive.partitions"));
            assertEquals("a b c d", scalar(a, "SELECT string_agg(data->>'token', ' ' ORDER BY group_max, seq)"
                    + " FROM tandem_archive.journal"));
            assertEquals("3", scalar(a, "SELECT count(DISTINCT group_max) FROM tandem_archive.journal"));
            assertEquals("t", scalar(a, "SELECT bool_and(group_max = m) FROM (SELECT group_max, max(seq)"
                    + " OVER (PARTITION BY txid) AS m FROM tandem_archive.journal) g"));
        }
        try (Connection c = db.connect()) {
            execute(c, "CREATE TEMP TABLE loaded (" + JournalArchive.COLUMN_TYPES + ")");
            assertEquals(1, archive.loadInto(c, "loaded", line -> { }));
            assertEquals("4", scalar(c, "SELECT count(*) FROM loaded"));
        }
    }

    @Test
    void theArchiveOfAnotherDatabaseIsNotMixedIn(TestDatabase db) throws Exception {
        storeThePartition(db);
        try (Connection a = archiveDb.connect()) {
            String source = scalar(a, "SELECT source FROM tandem_archive.partitions");
            execute(a, "UPDATE tandem_archive.partitions SET source = 'elsewhere'");
            try (Connection c = db.connect()) {
                TandemException refused = assertThrows(TandemException.class, () -> archive.store(c, partition));
                assertTrue(refused.getMessage().contains("holds the archive of elsewhere, not of database "
                        + db.name() + " ("), refused.getMessage());
            } finally {
                execute(a, "UPDATE tandem_archive.partitions SET source = '" + source.replace("'", "''") + "'");
            }
        }
    }

    @Test
    void rowsRemovedFromTheArchiveAreFoundBeforeAnythingIsLoaded(TestDatabase db) throws Exception {
        storeThePartition(db);
        try (Connection a = archiveDb.connect()) {
            execute(a, "CREATE TABLE kept AS SELECT * FROM tandem_archive.journal");
            execute(a, "DELETE FROM tandem_archive.journal WHERE data->>'token' = 'c'");
            try (Connection c = db.connect()) {
                execute(c, "CREATE TEMP TABLE loaded (" + JournalArchive.COLUMN_TYPES + ")");
                TandemException refused = assertThrows(TandemException.class,
                        () -> archive.loadInto(c, "loaded", line -> { }));
                assertTrue(refused.getMessage().contains("lists 4 rows and tandem_archive.journal holds 3 of it"),
                        refused.getMessage());
                assertEquals("0", scalar(c, "SELECT count(*) FROM loaded"));
            } finally {
                execute(a, "TRUNCATE tandem_archive.journal");
                execute(a, "INSERT INTO tandem_archive.journal SELECT * FROM kept");
                execute(a, "DROP TABLE kept");
            }
        }
    }

    @Test
    void aListedPartitionWithOtherRowsIsNotTakenForThisOne(TestDatabase db) throws Exception {
        storeThePartition(db);
        try (Connection a = archiveDb.connect()) {
            execute(a, "UPDATE tandem_archive.partitions SET rows = rows + 1");
            try (Connection c = db.connect()) {
                TandemException refused = assertThrows(TandemException.class, () -> archive.store(c, partition));
                assertTrue(refused.getMessage().contains("with 5 rows, and " + partition.name() + " has 4 to archive"),
                        refused.getMessage());
            } finally {
                execute(a, "UPDATE tandem_archive.partitions SET rows = rows - 1");
            }
        }
    }

    @Test
    void aCopyTheArchiveRefusesLeavesTheJournalConnectionAsItWas(TestDatabase db) throws Exception {
        storeThePartition(db); // the archive's tables made
        try (Connection a = archiveDb.connect()) {
            execute(a, "TRUNCATE tandem_archive.partitions, tandem_archive.journal");
            execute(a, "ALTER TABLE tandem_archive.journal ADD CONSTRAINT no_c CHECK (data->>'token' <> 'c')");
            try (Connection c = db.connect()) {
                assertThrows(SQLException.class, () -> archive.store(c, partition));
                assertEquals("42", scalar(c, "SELECT 42")); // its own answer, not the end of the copy
                assertEquals("4", scalar(c, "SELECT count(*) FROM tandem." + partition.name()));
                assertEquals("0", scalar(a, "SELECT count(*) FROM tandem_archive.journal"));
                assertEquals("0", scalar(a, "SELECT count(*) FROM tandem_archive.partitions"));
            } finally {
                execute(a, "ALTER TABLE tandem_archive.journal DROP CONSTRAINT no_c");
            }
            try (Connection c = db.connect()) { // a copy that cannot start on the archive's side
                execute(a, "ALTER TABLE tandem_archive.journal RENAME COLUMN group_max TO group_max_gone");
                assertThrows(SQLException.class, () -> archive.store(c, partition));
                assertEquals("42", scalar(c, "SELECT 42"));
            } finally {
                execute(a, "ALTER TABLE tandem_archive.journal RENAME COLUMN group_max_gone TO group_max");
            }
        }
        storeThePartition(db);
    }

    @Test
    void aLoginWithoutPrivilegesOnTheArchiveIsToldWhatToGrant(TestDatabase db) throws Exception {
        storeThePartition(db); // the archive's tables made, by their owner
        TestDatabase.Login stranger = db.createLogin("arch");
        try (PasswordFile strangers = new PasswordFile(stranger, passwords); Connection c = db.connect()) {
            ArchiveDatabase theirs = new ArchiveDatabase(PasswordFile.urlWithLogin(archiveDb, stranger.user()));
            TandemException refused = assertThrows(TandemException.class, () -> theirs.check(c));
            assertTrue(refused.getMessage().contains("needs USAGE on schema tandem_archive and SELECT and INSERT"),
                    refused.getMessage());
        }
    }

    @Test
    void theTablesDocsRetentionPrintsAreTheOnesTheArchiveMakes() throws Exception {
        String doc = Files.readString(Path.of("../docs/retention.md"));
        String printed = doc.substring(doc.indexOf("CREATE SCHEMA IF NOT EXISTS tandem_archive;"));
        printed = printed.substring(0, printed.indexOf("```"));
        assertEquals(ArchiveDatabase.CREATE.replaceAll("\\s+", ""), printed.replaceAll("\\s+", ""));
    }

    @Test
    void aUrlWithAPasswordIsRefusedWithoutBeingRepeated() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ArchiveDatabase("jdbc:postgresql://archive.example/history?user=tandem&password=s3cret"));
        assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
        assertTrue(refused.getMessage().contains("~/.pgpass"), refused.getMessage());
        IllegalArgumentException ssl = assertThrows(IllegalArgumentException.class,
                () -> new ArchiveDatabase("jdbc:postgresql://archive.example/history?sslpassword=k3y&user=tandem"));
        assertFalse(ssl.getMessage().contains("k3y"), ssl.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ArchiveDatabase("jdbc:mysql://archive.example/history"));
        assertThrows(IllegalArgumentException.class, () -> JournalArchive.at("postgresql://archive.example/history"));
    }

    private static void storeThePartition(TestDatabase db) throws SQLException {
        try (Connection c = db.connect()) {
            archive.store(c, partition);
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
