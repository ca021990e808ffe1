package io.tandem.examples.library;

import io.tandem.applier.Applier;
import io.tandem.applier.ApplierConfig;
import io.tandem.core.definitions.Release;
import io.tandem.examples.shop.ShopApp;
import io.tandem.testing.PostgresTest;
import io.tandem.testing.TestDatabase;
import io.tandem.views.Migrator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IDENTITY ids, a unidirectional @OneToMany + @JoinColumn (collection DML updating the child's foreign key), a
 * @ManyToMany join table and an @ElementCollection all go through the views' triggers into the journal and are
 * applied, with no Tandem-specific code in the model.
 */
@PostgresTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectionsModelTest {
    private static Applier applier;
    private static Library library;

    /** The library app: the shop's plumbing, app name overridden; connected as a member of library_v1_app only. */
    static final class Library extends ShopApp {
        Library(TestDatabase db, TestDatabase.Login login) {
            super(1, db.jdbcUrl(), login.user(), login.password(), Map.of("tandem.app", "library", "pool.size", "4"),
                    Author.class, Book.class, Tag.class);
        }
    }

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        new Migrator(db.dataSource()).migrate(Release.load(Path.of("src/test/resources/library")));
        applier = Applier.start(new ApplierConfig(db.newPool(4), "library"));
        library = new Library(db, db.createLogin("app", "library_v1_app"));
    }

    @AfterAll
    static void stop() throws Exception {
        library.close();
        applier.close();
    }

    @Test
    @Order(1)
    void collectionsRoundTripThroughTheJournal(TestDatabase db) throws Exception {
        long authorId = library.inTransaction(s -> {
            Tag fantasy = new Tag("fantasy");
            s.persist(fantasy);
            Author a = new Author("Ursula K. Le Guin");
            a.aliases.addAll(Set.of("UKL", "U. K. Le Guin"));
            Book earthsea = new Book("A Wizard of Earthsea");
            earthsea.tags.add(fantasy);
            a.books.add(earthsea);
            a.books.add(new Book("The Dispossessed"));
            s.persist(a);
            return a.id;
        });
        assertEquals("A Wizard of Earthsea,The Dispossessed", physical(db, "SELECT string_agg(title, ',' ORDER BY title)"
                + " FROM book WHERE author_id = " + authorId), "the @JoinColumn collection DML was applied");
        assertEquals("U. K. Le Guin,UKL", physical(db, "SELECT string_agg(alias, ',' ORDER BY alias) FROM author_alias"
                + " WHERE author_id = " + authorId));
        assertEquals("A Wizard of Earthsea:fantasy", physical(db, "SELECT string_agg(b.title || ':' || t.label, ',')"
                + " FROM book_tag bt JOIN book b ON b.id = bt.book_id JOIN tag t ON t.id = bt.tag_id"));

        library.inTransactionDo(s -> {
            Author a = s.find(Author.class, authorId);
            assertEquals(2, a.books.size());
            assertEquals(Set.of("UKL", "U. K. Le Guin"), a.aliases);
            a.aliases.remove("UKL");
            a.aliases.add("Le Guin");
            Book earthsea = a.books.stream().filter(b -> b.title.startsWith("A Wizard")).findFirst().orElseThrow();
            earthsea.tags.clear();
            a.books.removeIf(b -> b.title.equals("The Dispossessed"));
            s.flush();
            // the transaction sees its own collection changes through the views
            assertEquals(Set.of("U. K. Le Guin", "Le Guin"), Set.copyOf(s.createNativeQuery(
                    "SELECT alias FROM library_v1.author_alias WHERE author_id = " + authorId, String.class).getResultList()));
            assertEquals(0, s.createNativeQuery("SELECT * FROM library_v1.book_tag", Object[].class).getResultList().size());
        });
        assertEquals("Le Guin,U. K. Le Guin", physical(db, "SELECT string_agg(alias, ',' ORDER BY alias) FROM author_alias"
                + " WHERE author_id = " + authorId));
        assertEquals("0", physical(db, "SELECT count(*) FROM book_tag"));
        assertEquals("A Wizard of Earthsea", physical(db, "SELECT string_agg(title, ',') FROM book WHERE author_id = "
                + authorId));
        assertEquals("1", physical(db, "SELECT count(*) FROM book WHERE author_id IS NULL AND title = 'The Dispossessed'"));

        library.inTransactionDo(s -> {
            Author a = s.find(Author.class, authorId);
            assertEquals(Set.of("U. K. Le Guin", "Le Guin"), a.aliases);
            assertEquals(1, a.books.size());
            assertTrue(a.books.get(0).tags.isEmpty());
        });
    }

    @Test
    @Order(2)
    void persistFlushUpdateWithAnIdentityIdInOneTransaction(TestDatabase db) throws Exception {
        long id = library.inTransaction(s -> {
            Tag t = new Tag("draft");
            s.persist(t);
            s.flush();
            t.label = "final";
            s.flush();
            t.label = "final!";
            return t.id;
        });
        assertEquals("final!", physical(db, "SELECT label FROM tag WHERE id = " + id));
        assertEquals("insert,update,update", physical(db, "SELECT string_agg(op, ',' ORDER BY seq) FROM tandem.journal"
                + " WHERE app = 'library' AND entity = 'tag' AND key = '{\"id\": " + id + "}'"));
    }

    /** Last: the applier halts on the rejected transaction (its default policy). */
    @Test
    @Order(99)
    void aFencedCommitThatTheApplierRejectsThrowsItsReason() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> library.inTransactionDo(s -> s.persist(new Tag(null))));
        Throwable cause = e;
        while (cause != null && !(cause instanceof io.tandem.core.journal.RejectedTransactionException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "not a RejectedTransactionException: " + e);
        assertTrue(cause.getMessage().contains("label"), cause.getMessage());
    }

    static String physical(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
