package io.tandem.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs a real PostgreSQL: the class gets a fresh database, injected as a
 * {@link TestDatabase} parameter.
 *
 * <p>Which server is used (see {@link PostgresServer}):
 * <ul>
 *   <li>default: an embedded PostgreSQL 17 (zonky), started once per test JVM on first use;</li>
 *   <li>env {@code TANDEM_TEST_PG_URL} set: that external server (a JDBC URL; user and password may be given as
 *       URL parameters or in {@code TANDEM_TEST_PG_USER}/{@code TANDEM_TEST_PG_PASSWORD});</li>
 *   <li>{@code -Dtandem.test.db=testcontainers}: Testcontainers' PostgreSQL where Docker runs, otherwise the
 *       class is skipped with the reason printed.</li>
 * </ul>
 *
 * <p>Such a class is tagged {@value #TAG}, so {@code mvn test -DexcludedGroups=postgres} runs only the tests that
 * need no database: the fast loop while changing pure logic. A test that needs no database should not carry it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PostgresExtension.class)
@Tag(PostgresTest.TAG)
public @interface PostgresTest {
    /** The JUnit tag of every test that needs PostgreSQL. */
    String TAG = "postgres";
}
