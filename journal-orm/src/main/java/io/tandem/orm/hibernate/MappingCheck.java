package io.tandem.orm.hibernate;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.FieldType;
import io.tandem.core.definitions.VersionDefinition;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.model.relational.QualifiedName;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.generator.Generator;
import org.hibernate.id.enhanced.SequenceStyleGenerator;
import org.hibernate.id.enhanced.TableGenerator;
import org.hibernate.mapping.Collection;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Join;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Table;

import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares Hibernate's mapping with a version definition at boot: every table in the version's view schema must be
 * an entity of the definition, with exactly its fields as columns, each of a compatible type; and what Tandem cannot
 * carry (identifier generators writing to tables or sequences of the view schema, schema generation) is refused.
 */
final class MappingCheck {
    private MappingCheck() {
    }

    /** Differences between the mapping and the definition, one line each, naming entity and property. */
    static List<String> differences(Metadata metadata, VersionDefinition v) {
        Comparison comparison = new Comparison(metadata, v);
        mappedTables(metadata).forEach(comparison::check);
        return comparison.problems;
    }

    /** Every table Hibernate maps: each entity's own and joined tables, and each collection table. */
    private static List<MappedTable> mappedTables(Metadata metadata) {
        List<MappedTable> tables = new ArrayList<>();
        for (PersistentClass pc : metadata.getEntityBindings()) {
            Map<String, String> owners = columnOwners(pc);
            tables.add(new MappedTable(pc.getTable(), pc.getEntityName(), owners));
            for (Join join : pc.getJoins()) {
                tables.add(new MappedTable(join.getTable(), pc.getEntityName(), owners));
            }
        }
        for (Collection c : metadata.getCollectionBindings()) {
            if (!c.isOneToMany() && c.getCollectionTable() != null) {
                Map<String, String> owners = new LinkedHashMap<>();
                c.getCollectionTable().getColumns().forEach(col -> owners.put(col.getName(), c.getRole()));
                tables.add(new MappedTable(c.getCollectionTable(), c.getRole(), owners));
            }
        }
        return tables;
    }

    /** Mappings Tandem cannot carry, one line each. */
    static List<String> unsupported(SessionFactoryImplementor sf, TandemSettings settings) {
        List<String> problems = new ArrayList<>();
        for (String key : List.of("hibernate.hbm2ddl.auto", "jakarta.persistence.schema-generation.database.action",
                "javax.persistence.schema-generation.database.action")) {
            Object action = sf.getProperties().get(key);
            String a = action == null ? "none" : action.toString().trim().toLowerCase(Locale.ROOT);
            if (!a.equals("none") && !a.equals("validate") && !a.isEmpty()) {
                problems.add(key + "=" + a + ": schema generation would run DDL against the version's views;"
                        + " the physical schema changes only through `tandem migrate` (set it to none)");
            }
        }
        sf.getMappingMetamodel().forEachEntityDescriptor(persister -> {
            if (persister.getEntityMetamodel().getSuperclass() != null) {
                return;
            }
            Generator g = persister.getGenerator();
            String property = persister.getEntityName() + "." + persister.getIdentifierPropertyName();
            if (g instanceof TableGenerator) {
                problems.add(property + ": @GeneratedValue(strategy = TABLE) writes ids to a table directly, past the"
                        + " journal; use IDENTITY (the view's trigger draws the id from the physical key's sequence)"
                        + " or a sequence outside the view schema");
            } else if (g instanceof SequenceStyleGenerator s) {
                QualifiedName name = s.getDatabaseStructure().getPhysicalName();
                String schema = name.getSchemaName() == null ? null : name.getSchemaName().getText();
                if (schema == null || schema.equals(settings.viewSchema()) || schema.equals(settings.plainViewSchema())) {
                    problems.add(property + ": the id sequence " + (schema == null ? "" : schema + ".")
                            + name.getObjectName().getText() + " names no schema outside the version's views, which"
                            + " hold no sequences; use IDENTITY (the view's trigger draws the id from the physical key's"
                            + " sequence) or name the physical sequence's schema, e.g."
                            + " @SequenceGenerator(schema = \"public\", sequenceName = ..., allocationSize = 1)");
                }
            }
        });
        return problems;
    }

    /**
     * A table Hibernate maps, named in problems by {@code owner} (an entity or collection role) and, per column, by
     * the property that maps it.
     */
    private record MappedTable(Table table, String owner, Map<String, String> columnOwners) {

        String name() {
            return table.getName();
        }

        /** Who a problem with {@code column} names: its property, else the owner and the table. */
        String ownerOf(String column) {
            return columnOwners.getOrDefault(column, owner + " (table " + name() + ")");
        }
    }

    /** One comparison of a mapping with a version's definition: the problems found so far. */
    private static final class Comparison {
        private final Metadata metadata;
        private final VersionDefinition version;
        private final List<String> problems = new ArrayList<>();
        private final Set<String> checkedTables = new LinkedHashSet<>();

        Comparison(Metadata metadata, VersionDefinition version) {
            this.metadata = metadata;
            this.version = version;
        }

        void check(MappedTable mapped) {
            Table table = mapped.table();
            if (table.getSchema() != null && !table.getSchema().equals(version.viewSchema())) {
                return; // an explicit @Table(schema = ...) outside the view schema is the app's own business
            }
            if (!checkedTables.add(mapped.name())) {
                return;
            }
            EntityDefinition entity = version.entities().get(mapped.name());
            if (entity == null) {
                problems.add(mapped.owner() + ": table " + mapped.name() + " is not an entity of " + version.app()
                        + " version " + version.version() + " (it has: "
                        + String.join(", ", version.entities().keySet()) + ")");
                return;
            }
            Set<String> columns = new LinkedHashSet<>();
            for (Column column : table.getColumns()) {
                columns.add(column.getName());
                checkColumn(mapped, column, entity);
            }
            for (String field : entity.fields().keySet()) {
                if (!columns.contains(field)) {
                    problems.add(mapped.owner() + ": field " + field + " of " + describe(entity)
                            + " is not mapped (an insert would journal it as null); map it");
                }
            }
        }

        private void checkColumn(MappedTable mapped, Column column, EntityDefinition entity) {
            String name = column.getName();
            String who = mapped.ownerOf(name);
            if (!entity.fields().containsKey(name)) {
                problems.add(who + ": column " + name + " is not a field of " + describe(entity) + " (fields: "
                        + String.join(", ", entity.fields().keySet()) + ")");
                return;
            }
            FieldType declared = entity.fields().get(name).type();
            int code;
            try {
                code = HibernateCompat.sqlTypeCode(column, metadata);
            } catch (RuntimeException e) {
                return; // not resolvable at boot: the database will tell
            }
            if (kindOf(code) != declared.kind()) {
                problems.add(who + ": column " + name + " is mapped as JDBC type " + jdbcName(code) + " but "
                        + describe(entity) + " declares it " + declared.sql());
            }
        }

        /** {@code shop v2 entity customer}. */
        private String describe(EntityDefinition entity) {
            return version.app() + " v" + version.version() + " entity " + entity.name();
        }
    }

    private static Map<String, String> columnOwners(PersistentClass pc) {
        Map<String, String> owners = new LinkedHashMap<>();
        List<Property> properties = new ArrayList<>(pc.getPropertyClosure());
        if (pc.getIdentifierProperty() != null) {
            properties.add(0, pc.getIdentifierProperty());
        }
        for (Property p : properties) {
            for (Column c : p.getColumns()) {
                owners.putIfAbsent(c.getName(), pc.getEntityName() + "." + p.getName());
            }
        }
        return owners;
    }

    /** The field kind a JDBC type code carries; null when Tandem has none for it. */
    static FieldType.Kind kindOf(int code) {
        return switch (code) {
            case Types.BIGINT -> FieldType.Kind.BIGINT;
            case Types.INTEGER -> FieldType.Kind.INTEGER;
            case Types.SMALLINT, Types.TINYINT -> FieldType.Kind.SMALLINT;
            case Types.NUMERIC, Types.DECIMAL -> FieldType.Kind.NUMERIC;
            case Types.REAL, Types.FLOAT -> FieldType.Kind.REAL;
            case Types.DOUBLE -> FieldType.Kind.DOUBLE;
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB, 4001, 4002 -> FieldType.Kind.TEXT; // LONG32(N)VARCHAR
            case Types.BOOLEAN, Types.BIT -> FieldType.Kind.BOOLEAN;
            case Types.DATE -> FieldType.Kind.DATE;
            case Types.TIMESTAMP -> FieldType.Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE, 3003 -> FieldType.Kind.TIMESTAMPTZ; // 3003: SqlTypes.TIMESTAMP_UTC
            case 3000 -> FieldType.Kind.UUID; // SqlTypes.UUID
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, 4003 -> FieldType.Kind.BYTEA;
            default -> null;
        };
    }

    private static String jdbcName(int code) {
        return switch (code) {
            case 3000 -> "UUID";
            case 3003 -> "TIMESTAMP_UTC";
            case 4001 -> "LONG32VARCHAR";
            default -> {
                try {
                    yield java.sql.JDBCType.valueOf(code).getName();
                } catch (IllegalArgumentException e) {
                    yield Integer.toString(code);
                }
            }
        };
    }
}
