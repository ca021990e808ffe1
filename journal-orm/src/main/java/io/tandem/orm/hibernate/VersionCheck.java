package io.tandem.orm.hibernate;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.VersionDefinition;
import org.hibernate.boot.Metadata;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks at boot that every JPA {@code @Version} attribute mapped onto a view is the entity's declared
 * optimistic-lock field ({@code version_field} in the version definition). Only then do the view's triggers turn a
 * concurrent, not yet applied update into the 0-row UPDATE Hibernate reports as an optimistic-lock failure
 * (docs/hibernate.md, "{@code @Version} optimistic locking"); without the declaration two transactions that read
 * the same version could both succeed, so such a mapping is refused.
 */
final class VersionCheck {
    private VersionCheck() {
    }

    /** One line per versioned entity whose {@code @Version} is not the definition's optimistic-lock field. */
    static List<String> problems(Metadata metadata, VersionDefinition v) {
        List<String> problems = new ArrayList<>();
        for (PersistentClass pc : metadata.getEntityBindings()) {
            Property version = pc.getSuperclass() == null ? pc.getVersion() : null;
            String table = pc.getTable().getName();
            boolean inViewSchema = pc.getTable().getSchema() == null || pc.getTable().getSchema().equals(v.viewSchema());
            EntityDefinition entity = inViewSchema ? v.entities().get(table) : null;
            if (version == null || entity == null || version.getColumns().size() != 1) {
                continue; // not versioned, or not a view of this version (MappingCheck reports the latter)
            }
            String column = version.getColumns().get(0).getName();
            if (!column.equals(entity.versionField())) {
                problems.add(problem(pc, version, column, entity, v));
            }
        }
        return problems;
    }

    private static String problem(PersistentClass pc, Property version, String column, EntityDefinition entity,
                                  VersionDefinition v) {
        String where = v.app() + " v" + v.version() + " entity " + entity.name() + " (" + v.sourceFile() + ")";
        String declared = entity.versioned() ? "declares version_field: " + entity.versionField()
                : "declares no version_field";
        return pc.getEntityName() + "." + version.getName() + ": @Version maps column " + column + " but " + where
                + " " + declared + ", so a concurrent update that is not applied yet would not be detected; add"
                + " `version_field: " + column + "` under entities." + entity.name() + " and release it with"
                + " `tandem migrate`";
    }
}
