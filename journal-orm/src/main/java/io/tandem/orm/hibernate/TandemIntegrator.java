package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;
import io.tandem.core.db.VersionRegistry;
import io.tandem.core.definitions.VersionDefinition;
import io.tandem.core.journal.Fence;
import org.hibernate.SessionFactory;
import org.hibernate.SessionFactoryObserver;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Tandem's Hibernate integration (docs/hibernate.md), registered through {@code META-INF/services} and active when
 * {@code tandem.app} and {@code tandem.version} are set:
 * <ol>
 *   <li>checks the mapping against the version's definition as stored in {@code tandem.versions} (read through
 *       {@code tandem.role_versions}, which a member of the version's role may read); any difference
 *       or unsupported mapping fails the SessionFactory's boot with the full list, and so does a {@code @Version}
 *       attribute that is not the entity's declared {@code version_field} ({@link VersionCheck});</li>
 *   <li>under {@code tandem.consistency=fenced} (default) makes each commit that wrote wait for the applier;</li>
 *   <li>tells the {@link OwnWritesMark} that {@link TandemServiceContributor} installed which transactions have
 *       written, so that the SQL they run afterwards keeps its own plans.</li>
 * </ol>
 * Writes themselves need nothing here: entities are mapped without a schema and each connection's search_path
 * starts with the version's views ({@link TandemServiceContributor}), whose INSTEAD OF triggers journal every
 * insert, update and delete.
 */
public final class TandemIntegrator implements Integrator {
    private static final Logger log = LoggerFactory.getLogger(TandemIntegrator.class);
    private static final Map<SessionFactoryImplementor, Fence> fences = new ConcurrentHashMap<>();

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sf) {
        TandemSettings settings = TandemSettings.from(sf.getProperties());
        if (settings == null) {
            return;
        }
        DataSource dataSource = new ProviderDataSource(sf.getServiceRegistry().requireService(ConnectionProvider.class));
        VersionDefinition definition = definition(dataSource, settings);
        List<String> problems = new ArrayList<>(MappingCheck.differences(metadata, definition));
        problems.addAll(defaultSchema(sf.getProperties(), settings));
        problems.addAll(VersionCheck.problems(metadata, definition));
        if (!problems.isEmpty()) {
            throw mismatch(settings, definition, problems);
        }
        // An UPDATE must name only the columns the transaction changed: the view's trigger compares them with the
        // row as the view shows it *now*, and a column re-sent from a stale load would overwrite a newer write.
        metadata.getEntityBindings().forEach(entity -> entity.setDynamicUpdate(true));
        // identifier generators exist only once the runtime metamodel is built: checked when the factory is created
        sf.addObserver(new SessionFactoryObserver() {
            @Override
            public void sessionFactoryCreated(SessionFactory factory) {
                List<String> unsupported = MappingCheck.unsupported(sf, settings);
                if (!unsupported.isEmpty()) {
                    throw mismatch(settings, definition, unsupported);
                }
            }
        });
        TandemObserver observer = TandemObserver.from(sf.getProperties());
        Fence fence = settings.fenced() ? Fence.open(dataSource) : null;
        if (fence != null) {
            fences.put(sf, fence);
        }
        WriteTracker tracker = new WriteTracker(settings, fence, observer);
        // sf.getEventListenerRegistry() is 7.x only; the event engine's registry is there on 6.6 and 7.x
        EventListenerRegistry listeners = sf.getEventEngine().getListenerRegistry();
        listeners.appendListeners(EventType.POST_INSERT, tracker);
        listeners.appendListeners(EventType.POST_UPDATE, tracker);
        listeners.appendListeners(EventType.POST_DELETE, tracker);
        listeners.appendListeners(EventType.POST_COLLECTION_RECREATE, tracker);
        listeners.appendListeners(EventType.POST_COLLECTION_UPDATE, tracker);
        listeners.appendListeners(EventType.POST_COLLECTION_REMOVE, tracker);
        log.info("Tandem: {} version {} through views {}, consistency {}", settings.app(), settings.version(),
                settings.viewSchema(), settings.fenced() ? "fenced (" + settings.fenceTimeout().toMillis() + " ms)"
                        : "async");
    }

    /**
     * A {@code hibernate.default_schema} or {@code default_catalog} would qualify every table Hibernate names, past the
     * search_path that routes it to the version's views: to the physical tables, if the login may touch them.
     * Only the version's own view schema is accepted (its views always overlay the transaction's own writes).
     */
    private static List<String> defaultSchema(Map<?, ?> properties, TandemSettings settings) {
        List<String> problems = new ArrayList<>();
        Object schema = properties.get("hibernate.default_schema");
        if (schema != null && !schema.toString().isBlank() && !schema.toString().equals(settings.viewSchema())) {
            problems.add("hibernate.default_schema=" + schema + " would send Hibernate's SQL past the version's views"
                    + " (Tandem routes unqualified names to them through each connection's search_path); remove it");
        }
        Object catalog = properties.get("hibernate.default_catalog");
        if (catalog != null && !catalog.toString().isBlank()) {
            problems.add("hibernate.default_catalog=" + catalog + " is not supported with tandem.app; remove it");
        }
        return problems;
    }

    private static TandemMappingException mismatch(TandemSettings settings, VersionDefinition definition,
                                                   List<String> problems) {
        return new TandemMappingException("The Hibernate mapping does not match " + settings.app() + " version "
                + settings.version() + " (" + definition.sourceFile() + ", as stored in tandem.versions):\n  - "
                + String.join("\n  - ", problems), problems);
    }

    /**
     * The version's definition, read as the app's own login: through {@code tandem.role_versions}, which shows a
     * member of {@code <app>_v<N>_app} that version and nothing else. If it is not there, {@code tandem.version_roles}
     * (readable by every role) says whether the version is not live or the login is not a member of its role.
     */
    private static VersionDefinition definition(DataSource dataSource, TandemSettings settings) {
        try (Connection c = dataSource.getConnection()) {
            Optional<VersionDefinition> definition = VersionRegistry.readable(c, settings.app(), settings.version());
            if (definition.isPresent()) {
                return definition.get();
            }
            throw notReadable(settings, VersionRegistry.roles(c, settings.app()), VersionRegistry.currentRole(c));
        } catch (SQLException e) {
            throw new TandemException("Tandem could not read the definition of " + settings.app() + " version "
                    + settings.version() + " from tandem.role_versions: " + e.getMessage() + ". Has the app been"
                    + " released with this Tandem (`tandem migrate` installs Tandem's schema 10 and grants the view to"
                    + " the version's role), and is the login a member of " + settings.app() + "_v" + settings.version()
                    + "_app (or the role `tandem migrate` generated for it)?", e);
        }
    }

    private static TandemException notReadable(TandemSettings settings, List<VersionRegistry.VersionRole> roles,
                                               String login) {
        Optional<VersionRegistry.VersionRole> own = roles.stream()
                .filter(r -> r.version() == settings.version()).findFirst();
        if (own.isPresent()) {
            String role = own.get().role();
            return new TandemException(settings.app() + " version " + settings.version() + " is live, but the login "
                    + login + " is not a member of its role " + role + ", so it may neither read the version's views"
                    + " nor write its journal rows; connect as a member of it (GRANT " + role + " TO " + login + ")");
        }
        return new TandemException(settings.app() + " version " + settings.version() + " is not live in tandem.versions"
                + " (live: " + (roles.isEmpty() ? "none" : roles.stream().map(r -> Integer.toString(r.version()))
                .collect(Collectors.joining(", "))) + "); release it with `tandem migrate` or set tandem.version to a"
                + " live version");
    }

    @Override
    public void disintegrate(SessionFactoryImplementor sf, SessionFactoryServiceRegistry serviceRegistry) {
        Fence fence = fences.remove(sf);
        if (fence != null) {
            fence.close();
        }
    }
}
