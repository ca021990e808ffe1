package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The Hibernate properties that switch Tandem on and tune it (docs/hibernate.md). Tandem is active only when both
 * {@value #APP} and {@value #VERSION} are set.
 *
 * @param app               the app name, e.g. {@code shop}
 * @param version           the app version this instance runs, e.g. {@code 1}
 * @param fenced            {@code tandem.consistency=fenced} (default) rather than {@code async}
 * @param fenceTimeout      {@code tandem.fence-timeout}: at most this long a commit waits for the applier
 * @param throwOnTimeout    {@code tandem.fence-timeout-action=throw} rather than {@code warn}
 */
public record TandemSettings(String app, int version, boolean fenced, Duration fenceTimeout, boolean throwOnTimeout) {
    public static final String APP = "tandem.app";
    public static final String VERSION = "tandem.version";
    public static final String CONSISTENCY = "tandem.consistency";
    public static final String FENCE_TIMEOUT = "tandem.fence-timeout";
    public static final String FENCE_TIMEOUT_ACTION = "tandem.fence-timeout-action";

    /** The view schema of this version, e.g. {@code shop_v1}. */
    public String viewSchema() {
        return VersionDefinition.viewSchema(app, version);
    }

    /** The plain view schema of this version, e.g. {@code shop_v1_plain}: first on the app's search_path. */
    public String plainViewSchema() {
        return VersionDefinition.plainViewSchema(app, version);
    }

    /**
     * Reads the settings from Hibernate's properties.
     *
     * @return null when Tandem is not configured (neither {@value #APP} nor {@value #VERSION} set)
     * @throws TandemException naming the property that is missing or malformed
     */
    public static TandemSettings from(Map<?, ?> properties) {
        String app = text(properties, APP);
        String version = text(properties, VERSION);
        if (app == null && version == null) {
            return null;
        }
        if (app == null || version == null) {
            throw new TandemException("Tandem needs both " + APP + " and " + VERSION + " (got " + APP + "=" + app
                    + ", " + VERSION + "=" + version + ")");
        }
        if (!SqlIdentifier.isValid(app)) {
            throw new TandemException(APP + "='" + app + "' is not a valid app name: " + SqlIdentifier.RULE);
        }
        int v;
        try {
            v = Integer.parseInt(version.trim());
        } catch (NumberFormatException e) {
            throw new TandemException(VERSION + "='" + version + "' is not a version number like 1");
        }
        if (v <= 0) {
            throw new TandemException(VERSION + " must be positive, not " + v);
        }
        String consistency = orDefault(text(properties, CONSISTENCY), "fenced");
        if (!consistency.equals("fenced") && !consistency.equals("async")) {
            throw new TandemException(CONSISTENCY + "='" + consistency + "' is not one of: fenced, async");
        }
        String action = orDefault(text(properties, FENCE_TIMEOUT_ACTION), "warn");
        if (!action.equals("warn") && !action.equals("throw")) {
            throw new TandemException(FENCE_TIMEOUT_ACTION + "='" + action + "' is not one of: warn, throw");
        }
        return new TandemSettings(app, v, consistency.equals("fenced"),
                duration(orDefault(text(properties, FENCE_TIMEOUT), "2s")), action.equals("throw"));
    }

    /** {@code 2s}, {@code 500ms}, a plain number of milliseconds, or ISO-8601 ({@code PT2S}). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            }
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new TandemException(FENCE_TIMEOUT + "='" + text + "' is not a duration like 2s, 500ms or PT2S");
        }
    }

    private static String text(Map<?, ?> properties, String key) {
        Object value = properties.get(key);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value.toLowerCase(Locale.ROOT);
    }
}
