package io.tandem.jdbc;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL JDBC URLs ({@code jdbc:postgresql:...}) pointed at another database of the same server.
 *
 * <p>Guarantees: only the database part changes; the host list (names, {@code host:port}, bracketed IPv6, several
 * hosts) and the parameters after {@code ?} are kept as they were. A URL that is not a PostgreSQL JDBC URL is
 * rejected rather than returned unchanged, so a caller never connects to the old database by mistake.
 */
public final class JdbcUrl {
    /** {@code jdbc:postgresql://hosts}, then an optional {@code /database}, up to the parameters. */
    private static final Pattern WITH_HOSTS = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?");
    /** {@code jdbc:postgresql:database} or {@code jdbc:postgresql:/} (local server), up to the parameters. */
    private static final Pattern LOCAL = Pattern.compile("^(jdbc:postgresql:)(?!//)[^?]*");

    private JdbcUrl() {
    }

    /**
     * {@code url} with its database replaced by {@code database} (added when the URL names none).
     *
     * @throws IllegalArgumentException if {@code url} is not a PostgreSQL JDBC URL
     */
    public static String withDatabase(String url, String database) {
        Objects.requireNonNull(url, "url");
        String encoded = URLEncoder.encode(Objects.requireNonNull(database, "database"), StandardCharsets.UTF_8);
        Matcher hosts = WITH_HOSTS.matcher(url);
        if (hosts.find()) {
            return hosts.group(1) + "/" + encoded + url.substring(hosts.end());
        }
        Matcher local = LOCAL.matcher(url);
        if (local.find()) {
            return local.group(1) + encoded + url.substring(local.end());
        }
        throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql:...): " + url);
    }
}
