package io.tandem.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.orm.hibernate.TandemIntegrator;
import io.tandem.orm.hibernate.TandemObserver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On Spring Boot 3: switches Tandem's Hibernate integration on from the {@link TandemProperties tandem.* properties}: they become the
 * integration's Hibernate properties ({@link TandemHibernateSettings}), with Micrometer metrics as its
 * {@link TandemObserver} when Micrometer is on the class path. Nothing else in the app changes: its entities map
 * the version's views as if they were tables.
 *
 * <p>Why a properties customizer and not a listener of its own: the integration is a Hibernate integrator found
 * through {@code META-INF/services} (it works the same without Spring); all Spring adds is where its settings come
 * from, so the two can never disagree.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration")
@ConditionalOnClass({TandemIntegrator.class, HibernatePropertiesCustomizer.class})
@EnableConfigurationProperties(TandemProperties.class)
public class TandemAutoConfiguration {

    /** The integration's Hibernate properties, when {@code tandem.app} or {@code tandem.version} is set. */
    @Bean
    HibernatePropertiesCustomizer tandemHibernateProperties(TandemProperties tandem,
                                                            ObjectProvider<TandemObserver> observer) {
        return properties -> TandemHibernateSettings.into(properties, tandem, observer.getIfAvailable());
    }

    /** Fence waits, fence timeouts and journal rows written, as Micrometer meters; an app's own observer wins. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean(TandemObserver.class)
        TandemMetrics tandemMetrics(ObjectProvider<MeterRegistry> registry) {
            return new TandemMetrics(registry);
        }
    }
}
