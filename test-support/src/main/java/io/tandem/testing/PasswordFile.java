package io.tandem.testing;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A password file (the {@code ~/.pgpass} format) that holds a test database's login, with the PostgreSQL driver
 * pointed at it until closed: for code under test that connects by a URL without a password, as users are told to
 * give one (the password then comes from the connecting machine's {@code ~/.pgpass}).
 */
public final class PasswordFile implements AutoCloseable {
    /** The system property the driver reads the password file's path from, before PGPASSFILE and ~/.pgpass. */
    private static final String PROPERTY = "org.postgresql.pgpassfile";
    private final String previous;

    /** Writes the file, with {@code db}'s login, into {@code dir} and points the driver at it. */
    public PasswordFile(TestDatabase db, Path dir) throws IOException {
        this(new TestDatabase.Login(db.user(), db.password()), dir);
    }

    /** Writes the file, with {@code login}, into {@code dir} and points the driver at it. */
    public PasswordFile(TestDatabase.Login login, Path dir) throws IOException {
        Path file = dir.resolve("pgpass-" + login.user());
        Files.writeString(file, "*:*:*:" + escape(login.user()) + ":" + escape(login.password()) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        previous = System.setProperty(PROPERTY, file.toString());
    }

    /** {@code db}'s URL naming its login and no password: what the file gives the password for. */
    public static String urlWithLogin(TestDatabase db) {
        return urlWithLogin(db, db.user());
    }

    /** {@code db}'s URL naming login {@code user} and no password. */
    public static String urlWithLogin(TestDatabase db, String user) {
        return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user="
                + URLEncoder.encode(user, StandardCharsets.UTF_8);
    }

    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    @Override
    public void close() {
        if (previous == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, previous);
        }
    }
}
