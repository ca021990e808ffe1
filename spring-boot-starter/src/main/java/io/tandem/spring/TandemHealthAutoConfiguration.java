package io.tandem.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import javax.sql.DataSource;

/**
 * The {@code tandem} Actuator health contributor ({@link TandemHealthIndicator}), when Spring Boot's health support
 * is on the class path and {@code tandem.app} and {@code tandem.version} are set;
 * {@code management.health.tandem.enabled=false} turns it off. Its {@link TandemHealthCheck} is a bean too.
 */
@AutoConfiguration(after = TandemAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnProperty(prefix = "tandem", name = {"app", "version"})
@ConditionalOnBean(DataSource.class)
@ConditionalOnEnabledHealthIndicator("tandem")
@EnableConfigurationProperties(TandemProperties.class)
public class TandemHealthAutoConfiguration {
    @Bean
    TandemHealthCheck tandemHealthCheck(DataSource dataSource, TandemProperties properties) {
        return new TandemHealthCheck(dataSource, properties);
    }

    @Bean
    TandemHealthIndicator tandemHealthIndicator(TandemHealthCheck check) {
        return new TandemHealthIndicator(check);
    }
}
