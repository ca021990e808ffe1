package io.tandem.spring;

import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.orm.hibernate.TandemSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The auto-configuration hands the tandem.* properties to Hibernate, with the Micrometer meters as observer. */
class TandemAutoConfigurationTest {
    @Test
    void hibernateGetsTheTandemPropertiesAndTheMeters() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TandemAutoConfiguration.class))
                .withPropertyValues("tandem.app=shop", "tandem.version=2", "tandem.consistency=async")
                .run(context -> {
                    Map<String, Object> hibernate = new HashMap<>();
                    context.getBean(HibernatePropertiesCustomizer.class).customize(hibernate);
                    assertEquals("shop 2 async", TandemSettings.from(hibernate).app() + " "
                            + TandemSettings.from(hibernate).version() + " " + hibernate.get(TandemSettings.CONSISTENCY));
                    assertInstanceOf(TandemMetrics.class, TandemObserver.from(hibernate));
                });
    }
}
