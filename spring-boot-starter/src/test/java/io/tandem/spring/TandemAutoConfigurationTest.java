package io.tandem.spring;

import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.orm.hibernate.TandemSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tandem.* properties reach the Hibernate integration as it reads them; the metadata IDEs complete from. */
class TandemAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TandemAutoConfiguration.class));

    @Test
    void theSpringPropertiesAreTheIntegrationsSettings() {
        runner.withPropertyValues("tandem.app=shop", "tandem.version=2", "tandem.consistency=async",
                "tandem.fence-timeout=750ms", "tandem.fence-timeout-action=throw").run(context -> {
            Map<String, Object> hibernate = hibernateProperties(context.getBean(HibernatePropertiesCustomizer.class));
            TandemSettings settings = TandemSettings.from(hibernate);
            assertEquals(new TandemSettings("shop", 2, false, Duration.ofMillis(750), true), settings);
            assertInstanceOf(TandemMetrics.class, TandemObserver.from(hibernate), "Micrometer is on the class path");
        });
    }

    @Test
    void theDefaultsAreFencedForTwoSecondsThenWarn() {
        runner.withPropertyValues("tandem.app=shop", "tandem.version=1").run(context -> {
            TandemSettings settings = TandemSettings.from(
                    hibernateProperties(context.getBean(HibernatePropertiesCustomizer.class)));
            assertEquals(new TandemSettings("shop", 1, true, Duration.ofSeconds(2), false), settings);
        });
    }

    @Test
    void withoutTandemPropertiesHibernateGetsNone() {
        runner.run(context -> {
            Map<String, Object> hibernate = hibernateProperties(context.getBean(HibernatePropertiesCustomizer.class));
            assertNull(TandemSettings.from(hibernate), "Tandem stays off");
            assertFalse(hibernate.containsKey(TandemObserver.PROPERTY));
        });
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

    private static Map<String, Object> hibernateProperties(HibernatePropertiesCustomizer customizer) {
        Map<String, Object> properties = new HashMap<>();
        customizer.customize(properties);
        return properties;
    }
}
