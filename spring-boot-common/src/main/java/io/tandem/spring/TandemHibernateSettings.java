package io.tandem.spring;

import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.orm.hibernate.TandemSettings;

import java.util.Locale;
import java.util.Map;

/**
 * The {@link TandemProperties} as the Hibernate integration's own properties ({@link TandemSettings}), which each
 * Spring Boot line's properties customizer hands to Hibernate: so the Spring properties mean exactly what the
 * integration's do, and its boot check runs as it does without Spring.
 */
public final class TandemHibernateSettings {
    private TandemHibernateSettings() {
    }

    /**
     * Puts {@code tandem}'s settings and {@code observer} (may be null) into Hibernate's {@code properties}; nothing
     * when neither {@code tandem.app} nor {@code tandem.version} is set (Tandem stays off).
     */
    public static void into(Map<String, Object> properties, TandemProperties tandem, TandemObserver observer) {
        if (tandem.getApp() == null && tandem.getVersion() == null) {
            return;
        }
        put(properties, TandemSettings.APP, tandem.getApp());
        put(properties, TandemSettings.VERSION, tandem.getVersion());
        put(properties, TandemSettings.CONSISTENCY, tandem.getConsistency().name().toLowerCase(Locale.ROOT));
        put(properties, TandemSettings.FENCE_TIMEOUT, tandem.getFenceTimeout().toMillis() + "ms");
        put(properties, TandemSettings.FENCE_TIMEOUT_ACTION,
                tandem.getFenceTimeoutAction().name().toLowerCase(Locale.ROOT));
        if (observer != null) {
            properties.put(TandemObserver.PROPERTY, observer);
        }
    }

    private static void put(Map<String, Object> properties, String key, Object value) {
        if (value != null) {
            properties.put(key, value.toString());
        }
    }
}
