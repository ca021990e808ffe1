package io.tandem.orm.hibernate;

import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.jdbc.connections.spi.DatabaseConnectionInfo;
import org.hibernate.engine.jdbc.env.spi.ExtractedDatabaseMetaData;
import org.hibernate.service.spi.Configurable;
import org.hibernate.service.spi.ServiceRegistryAwareService;
import org.hibernate.service.spi.ServiceRegistryImplementor;
import org.hibernate.service.spi.Stoppable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The connection provider Hibernate would have used (HikariCP, a DataSource, ...), with the version's plain view
 * schema put first on each connection's search_path ({@link SearchPath}). Everything else, including the service
 * lifecycle (configure, inject, stop), goes to the wrapped provider unchanged.
 */
final class SearchPathConnectionProvider implements ConnectionProvider, Configurable, ServiceRegistryAwareService,
        Stoppable {
    private final ConnectionProvider delegate;
    private final SearchPath searchPath;

    SearchPathConnectionProvider(ConnectionProvider delegate, SearchPath searchPath) {
        this.delegate = delegate;
        this.searchPath = searchPath;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return withSearchPath(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return withSearchPath(delegate.getConnection(user, password));
    }

    @Override
    public Connection getReadOnlyConnection() throws SQLException {
        return withSearchPath(delegate.getReadOnlyConnection());
    }

    private Connection withSearchPath(Connection c) throws SQLException {
        try {
            searchPath.apply(c);
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                delegate.closeConnection(c);
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Override
    public void closeConnection(Connection c) throws SQLException {
        delegate.closeConnection(c);
    }

    @Override
    public void closeReadOnlyConnection(Connection c) throws SQLException {
        delegate.closeReadOnlyConnection(c);
    }

    @Override
    public boolean supportsAggressiveRelease() {
        return delegate.supportsAggressiveRelease();
    }

    @Override
    public boolean handlesConnectionSchema() {
        return delegate.handlesConnectionSchema();
    }

    @Override
    public boolean handlesConnectionReadOnly() {
        return delegate.handlesConnectionReadOnly();
    }

    @Override
    public DatabaseConnectionInfo getDatabaseConnectionInfo(Dialect dialect) {
        return delegate.getDatabaseConnectionInfo(dialect);
    }

    @Override
    public DatabaseConnectionInfo getDatabaseConnectionInfo(Dialect dialect, ExtractedDatabaseMetaData metaData) {
        return delegate.getDatabaseConnectionInfo(dialect, metaData);
    }

    @Override
    public boolean isUnwrappableAs(Class<?> type) {
        return type.isInstance(this) || delegate.isUnwrappableAs(type);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public void configure(Map<String, Object> settings) {
        if (delegate instanceof Configurable configurable) {
            configurable.configure(settings);
        }
    }

    @Override
    public void injectServices(ServiceRegistryImplementor registry) {
        if (delegate instanceof ServiceRegistryAwareService aware) {
            aware.injectServices(registry);
        }
    }

    @Override
    public void stop() {
        if (delegate instanceof Stoppable stoppable) {
            stoppable.stop();
        }
    }
}
