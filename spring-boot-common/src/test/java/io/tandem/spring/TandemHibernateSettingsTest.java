package io.tandem.spring;

import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.orm.hibernate.TandemSettings;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tandem.* properties reach the Hibernate integration as it reads them; the metadata IDEs complete from. */
class TandemHibernateSettingsTest {
    private final TandemObserver observer = new TandemObserver() {
    };

    @Test
    void theSpringPropertiesAreTheIntegrationsSettings() {
        TandemProperties tandem = properties("shop", 2);
        tandem.setConsistency(TandemProperties.Consistency.ASYNC);
        tandem.setFenceTimeout(Duration.ofMillis(750));
        tandem.setFenceTimeoutAction(TandemProperties.FenceTimeoutAction.THROW);
        Map<String, Object> hibernate = hibernate(tandem, observer);
        TandemSettings expected = new TandemSettings("shop", 2, false, Duration.ofMillis(750), true);
        assertEquals(expected, TandemSettings.from(hibernate));
        assertSame(observer, TandemObserver.from(hibernate));
    }

    @Test
    void theDefaultsAreFencedForTwoSecondsThenWarn() {
        assertEquals(new TandemSettings("shop", 1, true, Duration.ofSeconds(2), false),
                TandemSettings.from(hibernate(properties("shop", 1), null)));
    }

    @Test
    void withoutAppAndVersionHibernateGetsNothing() {
        Map<String, Object> hibernate = hibernate(new TandemProperties(), observer);
        assertNull(TandemSettings.from(hibernate), "Tandem stays off");
        assertFalse(hibernate.containsKey(TandemObserver.PROPERTY));
    }

    @Test
    void anIdeCanCompleteEveryProperty() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "the configuration processor wrote the metadata");
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String property : List.of("tandem.app", "tandem.version", "tandem.consistency", "tandem.fence-timeout",
                    "tandem.fence-timeout-action", "tandem.health.max-lag")) {
                assertTrue(json.contains("\"name\": \"" + property + "\""), property + " in " + json);
            }
        }
    }

    private static TandemProperties properties(String app, int version) {
        TandemProperties tandem = new TandemProperties();
        tandem.setApp(app);
        tandem.setVersion(version);
        return tandem;
    }

    private static Map<String, Object> hibernate(TandemProperties tandem, TandemObserver observer) {
        Map<String, Object> properties = new HashMap<>();
        TandemHibernateSettings.into(properties, tandem, observer);
        return properties;
    }
}
