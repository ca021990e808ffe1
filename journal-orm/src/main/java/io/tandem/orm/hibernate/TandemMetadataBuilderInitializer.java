package io.tandem.orm.hibernate;

import org.hibernate.boot.MetadataBuilder;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.spi.MetadataBuilderInitializer;
import org.hibernate.engine.config.spi.ConfigurationService;

/**
 * Makes the version's view schema ({@code <app>_v<N>}) the implicit schema of every mapped table when
 * {@code tandem.app} and {@code tandem.version} are set; an explicit {@code @Table(schema = ...)} still wins.
 * Registered through {@code META-INF/services}.
 */
public final class TandemMetadataBuilderInitializer implements MetadataBuilderInitializer {
    @Override
    public void contribute(MetadataBuilder metadataBuilder, StandardServiceRegistry serviceRegistry) {
        TandemSettings settings = TandemSettings.from(serviceRegistry.requireService(ConfigurationService.class)
                .getSettings());
        if (settings != null) {
            metadataBuilder.applyImplicitSchemaName(settings.viewSchema());
        }
    }
}
