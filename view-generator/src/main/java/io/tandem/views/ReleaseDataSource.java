package io.tandem.views;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * The connections of a release step: each asks the server to check, every second while it runs a statement or
 * waits for a lock, that the client is still there ({@code client_connection_check_interval}, PostgreSQL 14 and
 * later). Why: a {@code tandem migrate} killed while its switch waits for a lock, or while its copy runs, would
 * otherwise leave its transaction running on the server — holding the applier, the views or an old snapshot — until
 * the statement ends; with the check, the server notices within a second and rolls it back.
 */
final class ReleaseDataSource implements DataSource {
    private static final String CHECK = "SELECT pg_catalog.set_config('client_connection_check_interval', '1000', false)"
            + " WHERE pg_catalog.current_setting('server_version_num')::int >= 140000";

    private final DataSource delegate;

    private ReleaseDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    static DataSource of(DataSource dataSource) {
        return dataSource instanceof ReleaseDataSource ? dataSource : new ReleaseDataSource(dataSource);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return checked(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return checked(delegate.getConnection(user, password));
    }

    private static Connection checked(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CHECK);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || delegate.isWrapperFor(type);
    }
}
