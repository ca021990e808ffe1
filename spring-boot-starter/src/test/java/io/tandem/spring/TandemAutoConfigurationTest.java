package io.tandem.spring;

import io.tandem.orm.hibernate.TandemObserver;
import io.tandem.orm.hibernate.TandemSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
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

    @Test
    void anAppWithoutActuatorOrMicrometerStillGetsTheIntegration() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TandemAutoConfiguration.class, TandemHealthAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.MeterRegistry.class,
                        org.springframework.boot.health.contributor.HealthIndicator.class))
                .withBean(javax.sql.DataSource.class, TandemAutoConfigurationTest::dataSource)
                .withPropertyValues("tandem.app=shop", "tandem.version=1")
                .run(context -> {
                    Map<String, Object> hibernate = new HashMap<>();
                    context.getBean(HibernatePropertiesCustomizer.class).customize(hibernate);
                    assertEquals("shop", TandemSettings.from(hibernate).app());
                    assertEquals(null, TandemObserver.from(hibernate), "no meters without Micrometer");
                    assertEquals(0, context.getBeanNamesForType(TandemHealthCheck.class).length, "no health without it");
                });
    }

    @Test
    void withActuatorTheHealthCheckIsABean() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TandemAutoConfiguration.class, TandemHealthAutoConfiguration.class))
                .withBean(javax.sql.DataSource.class, TandemAutoConfigurationTest::dataSource)
                .withPropertyValues("tandem.app=shop", "tandem.version=1")
                .run(context -> assertEquals(1, context.getBeanNamesForType(TandemHealthIndicator.class).length));
    }

    /** A data source that is never asked for a connection here. */
    private static javax.sql.DataSource dataSource() {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                TandemAutoConfigurationTest.class.getClassLoader(), new Class<?>[]{javax.sql.DataSource.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "a data source never connected to";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
