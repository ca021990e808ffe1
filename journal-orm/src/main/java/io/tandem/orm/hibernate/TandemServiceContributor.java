package io.tandem.orm.hibernate;

import org.hibernate.boot.registry.StandardServiceInitiator;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.boot.registry.selector.spi.StrategySelector;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.engine.jdbc.connections.internal.ConnectionProviderInitiator;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.service.spi.ServiceContributor;
import org.hibernate.service.spi.ServiceRegistryImplementor;

import java.util.Map;

/**
 * Registered through {@code META-INF/services}: when {@code tandem.app} and {@code tandem.version} are set, the
 * connection provider Hibernate builds as usual is wrapped so each connection reads the version's views through
 * its search_path ({@link SearchPathConnectionProvider}), and the SQL run after a transaction's first write is marked
 * ({@link OwnWritesMark}, in front of any statement inspector the app set). Without the properties Hibernate is left
 * alone.
 */
public final class TandemServiceContributor implements ServiceContributor {
    @Override
    public void contribute(StandardServiceRegistryBuilder builder) {
        Map<String, Object> configured = builder.getSettings();
        if (TandemSettings.from(configured) != null) {
            builder.applySetting(AvailableSettings.STATEMENT_INSPECTOR,
                    OwnWritesMark.wrapping(configured.get(AvailableSettings.STATEMENT_INSPECTOR),
                            builder.getBootstrapServiceRegistry().requireService(StrategySelector.class)));
        }
        builder.addInitiator(new StandardServiceInitiator<ConnectionProvider>() {
            @Override
            public Class<ConnectionProvider> getServiceInitiated() {
                return ConnectionProvider.class;
            }

            @Override
            public ConnectionProvider initiateService(Map<String, Object> settings, ServiceRegistryImplementor registry) {
                ConnectionProvider provider = ConnectionProviderInitiator.INSTANCE.initiateService(settings, registry);
                TandemSettings tandem = TandemSettings.from(settings);
                if (tandem == null || provider == null) {
                    return provider;
                }
                return new SearchPathConnectionProvider(provider, new SearchPath(tandem.plainViewSchema()));
            }
        });
    }
}
