package io.tandem.core.definitions;

import com.fasterxml.jackson.core.JsonToken;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks one definition's {@link YamlNode} tree, validating as it goes and adding every problem found to a shared
 * {@link Problems}; yields the {@link VersionDefinition} only when this file had none.
 */
final class DefinitionParser {
    /** How a version definition file is named: {@code v1.yaml}, {@code v12.yaml}. */
    static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.yaml");

    private static final List<String> TOP_KEYS = List.of("app", "version", "entities");
    private static final List<String> ENTITY_KEYS = List.of("key", "from", "fields", "writes", "version_field");
    private static final List<String> ENTITY_REQUIRED = List.of("key", "from", "fields");
    /** The field types an optimistic-lock field may have (what Hibernate's {@code @Version} supports). */
    private static final Set<FieldType.Kind> VERSION_KINDS = Set.of(FieldType.Kind.SMALLINT, FieldType.Kind.INTEGER,
            FieldType.Kind.BIGINT, FieldType.Kind.TIMESTAMP, FieldType.Kind.TIMESTAMPTZ);
    private static final List<String> FIELD_KEYS = List.of("type", "read");
    private static final List<String> WRITE_KEYS = List.of("table", "key", "set");
    private static final List<String> WRITE_REQUIRED = List.of("table", "key");

    private final String source;
    private final String sourceFile;
    private final Problems problems;
    private YamlNode.Mapping root;

    DefinitionParser(String source, String sourceFile, Problems problems) {
        this.source = source;
        this.sourceFile = sourceFile;
        this.problems = problems;
    }

    /** The definition, or {@code null} when this file has problems (all of them added). */
    VersionDefinition parse() {
        int before = problems.size();
        YamlNode document = YamlTree.parse(source, sourceFile, problems);
        root = document == null ? null : mapping(document, YamlPath.ROOT);
        if (root == null) {
            return null;
        }
        checkKeys(root, YamlPath.ROOT, TOP_KEYS, TOP_KEYS);
        String app = app();
        int version = version();
        if (app != null && version > 0 && !SqlIdentifier.isValid(VersionDefinition.plainViewSchema(app, version))) {
            problemAt("app", "'" + app + "' is too long: the version's views go in schema "
                    + VersionDefinition.plainViewSchema(app, version)
                    + ", which must be at most 63 characters; use a shorter app name");
        }
        Map<String, EntityDefinition> entities = entities();
        return problems.size() == before ? new VersionDefinition(app, version, entities, sourceFile, source) : null;
    }

    /** Adds a problem located at a top-level key (e.g. {@code app}), for checks across files. */
    void problemAt(String topKey, String message) {
        YamlNode.Entry entry = root == null ? null : root.entries().get(topKey);
        if (entry == null) {
            problems.add(sourceFile, message);
        } else {
            problems.add(sourceFile, entry.value(), YamlPath.ROOT.child(topKey), message);
        }
    }

    private String app() {
        YamlNode node = root.get("app");
        String app = node == null ? null : text(node, YamlPath.ROOT.child("app"));
        return app == null ? null : identifier(app, node, YamlPath.ROOT.child("app"));
    }

    private int version() {
        YamlNode node = root.get("version");
        if (node == null) {
            return 0;
        }
        YamlPath path = YamlPath.ROOT.child("version");
        int version = positiveInt(node);
        if (version == 0) {
            problems.add(sourceFile, node, path, "must be a positive integer, e.g. 1 (found "
                    + (node instanceof YamlNode.Scalar s ? "'" + s.text() + "'" : node.kind()) + ")");
            return 0;
        }
        checkFileName(version, node, path);
        return version;
    }

    private static int positiveInt(YamlNode node) {
        if (!(node instanceof YamlNode.Scalar s) || s.token() != JsonToken.VALUE_NUMBER_INT) {
            return 0;
        }
        try {
            int value = Integer.parseInt(s.text());
            return Math.max(value, 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void checkFileName(int version, YamlNode node, YamlPath path) {
        Path fileName = Path.of(sourceFile).getFileName();
        Matcher m = VERSION_FILE.matcher(fileName == null ? "" : fileName.toString());
        if (m.matches() && !new BigInteger(m.group(1)).equals(BigInteger.valueOf(version))) {
            problems.add(sourceFile, node, path, "file " + fileName + " declares version " + version
                    + "; rename the file to v" + version + ".yaml or set version: " + new BigInteger(m.group(1)));
        }
    }

    private Map<String, EntityDefinition> entities() {
        Map<String, EntityDefinition> entities = new LinkedHashMap<>();
        YamlPath path = YamlPath.ROOT.child("entities");
        YamlNode node = root.get("entities");
        YamlNode.Mapping mapping = node == null ? null : mapping(node, path);
        if (mapping == null) {
            return entities;
        }
        if (mapping.entries().isEmpty()) {
            problems.add(sourceFile, mapping, path, "declares no entity; add at least one");
        }
        for (YamlNode.Entry entry : mapping.entries().values()) {
            YamlPath entityPath = path.child(entry.key());
            identifier(entry, entityPath, "entity");
            YamlNode.Mapping entity = mapping(entry.value(), entityPath);
            if (entity != null) {
                EntityDefinition parsed = new EntityParser(entry.key(), entity, entityPath).parse();
                entities.put(entry.key(), parsed);
            }
        }
        return entities;
    }

    /** Validates one entity; nested so its checks share the entity's name and declared fields. */
    private final class EntityParser {
        private final String name;
        private final YamlNode.Mapping node;
        private final YamlPath path;
        /** Field names declared under {@code fields}, or {@code null} when there is no usable fields mapping. */
        private Set<String> declared;
        private List<String> key = List.of();

        EntityParser(String name, YamlNode.Mapping node, YamlPath path) {
            this.name = name;
            this.node = node;
            this.path = path;
        }

        EntityDefinition parse() {
            checkKeys(node, path, ENTITY_KEYS, ENTITY_REQUIRED);
            Map<String, FieldDefinition> fields = fields();
            key = key();
            String from = from();
            List<WriteItem> writes = writes();
            String versionField = versionField(fields);
            return new EntityDefinition(name, key, from == null ? "" : from, fields, writes, versionField);
        }

        /** The optimistic-lock field ({@code version_field}), or {@code null} when the entity declares none. */
        private String versionField(Map<String, FieldDefinition> fields) {
            YamlPath fieldPath = path.child("version_field");
            YamlNode fieldNode = node.get("version_field");
            String field = fieldNode == null ? null : text(fieldNode, fieldPath);
            if (field == null || declared == null) {
                return null;
            }
            String problem = versionFieldProblem(field, fields.get(field));
            if (problem != null) {
                problems.add(sourceFile, fieldNode, fieldPath, problem);
            }
            return field;
        }

        private String versionFieldProblem(String field, FieldDefinition definition) {
            if (!declared.contains(field)) {
                return "version field '" + field + "' is not declared under fields of entity " + name + " (fields: "
                        + String.join(", ", declared) + ")";
            }
            if (key.contains(field)) {
                return "version field '" + field + "' is a key field; a key never changes, so it cannot count"
                        + " versions: name a non-key field";
            }
            if (definition != null && !VERSION_KINDS.contains(definition.type().kind())) {
                return "version field '" + field + "' is declared " + definition.type().sql() + "; an optimistic-lock"
                        + " field must be smallint, integer, bigint, timestamp or timestamptz";
            }
            if (node.get("writes") == null) {
                return "entity " + name + " is read-only (no writes), so it has no updates to lock; remove"
                        + " version_field or add writes";
            }
            return null;
        }

        private Map<String, FieldDefinition> fields() {
            Map<String, FieldDefinition> fields = new LinkedHashMap<>();
            YamlPath fieldsPath = path.child("fields");
            YamlNode fieldsNode = node.get("fields");
            YamlNode.Mapping mapping = fieldsNode == null ? null : mapping(fieldsNode, fieldsPath);
            if (mapping == null) {
                return fields;
            }
            declared = mapping.entries().keySet();
            if (declared.isEmpty()) {
                problems.add(sourceFile, mapping, fieldsPath, "declares no field; add at least the key fields");
            }
            for (YamlNode.Entry entry : mapping.entries().values()) {
                FieldDefinition field = field(entry, fieldsPath.child(entry.key()));
                if (field != null) {
                    fields.put(field.name(), field);
                }
            }
            return fields;
        }

        private FieldDefinition field(YamlNode.Entry entry, YamlPath fieldPath) {
            identifier(entry, fieldPath, "field");
            YamlNode.Mapping mapping = mapping(entry.value(), fieldPath);
            if (mapping == null) {
                return null;
            }
            checkKeys(mapping, fieldPath, FIELD_KEYS, FIELD_KEYS);
            FieldType type = type(mapping.get("type"), fieldPath.child("type"));
            String read = read(mapping.get("read"), fieldPath.child("read"));
            return type == null || read == null ? null : new FieldDefinition(entry.key(), type, read);
        }

        private FieldType type(YamlNode typeNode, YamlPath typePath) {
            String declaredType = typeNode == null ? null : text(typeNode, typePath);
            if (declaredType == null) {
                return null;
            }
            try {
                return FieldType.parse(declaredType);
            } catch (IllegalArgumentException e) {
                String hint = declaredType.contains("(") && !declaredType.contains(")")
                        ? " (inside { } quote a type with a comma: type: \"numeric(12,2)\")" : "";
                problems.add(sourceFile, typeNode, typePath, e.getMessage() + hint);
                return null;
            }
        }

        private String read(YamlNode readNode, YamlPath readPath) {
            SqlExpression read = readNode == null ? null : expression(readNode, readPath);
            if (read != null && !read.params().isEmpty()) {
                problems.add(sourceFile, readNode, readPath, "a read expression cannot use parameters (':"
                        + read.params().get(0) + "'); the view computes it from the from clause");
            }
            return read == null ? null : read.text();
        }

        private List<String> key() {
            YamlPath keyPath = path.child("key");
            YamlNode keyNode = node.get("key");
            if (keyNode == null) {
                return List.of();
            }
            if (!(keyNode instanceof YamlNode.Sequence list)) {
                problems.add(sourceFile, keyNode, keyPath, "must be a list of field names, e.g. [id], not "
                        + keyNode.kind());
                return List.of();
            }
            if (list.items().isEmpty()) {
                problems.add(sourceFile, keyNode, keyPath, "is empty; list the fields that identify the entity, "
                        + "e.g. [id]");
            }
            Set<String> fields = new LinkedHashSet<>();
            for (int i = 0; i < list.items().size(); i++) {
                keyField(list.items().get(i), keyPath.index(i), fields);
            }
            return List.copyOf(fields);
        }

        private void keyField(YamlNode item, YamlPath itemPath, Set<String> fields) {
            String field = text(item, itemPath);
            if (field == null) {
                return;
            }
            if (declared != null && !declared.contains(field)) {
                problems.add(sourceFile, item, itemPath, "key field '" + field + "' is not declared under fields "
                        + "of entity " + name + " (fields: " + String.join(", ", declared) + ")");
            } else if (!fields.add(field)) {
                problems.add(sourceFile, item, itemPath, "key field '" + field + "' is listed twice");
            }
        }

        private String from() {
            YamlPath fromPath = path.child("from");
            YamlNode fromNode = node.get("from");
            String from = fromNode == null ? null : text(fromNode, fromPath);
            if (from == null) {
                return null;
            }
            String problem = fromProblem(from);
            if (problem != null) {
                problems.add(sourceFile, fromNode, fromPath, problem);
            }
            return from;
        }

        private List<WriteItem> writes() {
            YamlPath writesPath = path.child("writes");
            YamlNode writesNode = node.get("writes");
            if (writesNode == null || writesNode instanceof YamlNode.Scalar s && s.isNull()) {
                return List.of();
            }
            if (!(writesNode instanceof YamlNode.Sequence list)) {
                problems.add(sourceFile, writesNode, writesPath, "must be a list of write items (- table: ...), "
                        + "not " + writesNode.kind());
                return List.of();
            }
            List<WriteItem> writes = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                YamlPath itemPath = writesPath.index(i);
                YamlNode.Mapping item = mapping(list.items().get(i), itemPath);
                WriteItem parsed = item == null ? null : writeItem(item, itemPath);
                if (parsed != null) {
                    writes.add(parsed);
                }
            }
            return writes;
        }

        private WriteItem writeItem(YamlNode.Mapping item, YamlPath itemPath) {
            checkKeys(item, itemPath, WRITE_KEYS, WRITE_REQUIRED);
            String table = table(item.get("table"), itemPath.child("table"));
            Map<String, SqlExpression> keyColumns = columns(item, "key", itemPath, Map.of());
            if (item.get("key") != null && keyColumns.isEmpty() && item.get("key") instanceof YamlNode.Mapping) {
                problems.add(sourceFile, item.get("key"), itemPath.child("key"), "must map at least one column, "
                        + "e.g. { id: \":id\" }");
            }
            Map<String, SqlExpression> set = columns(item, "set", itemPath, keyColumns);
            return table == null ? null : new WriteItem(table, keyColumns, set);
        }

        private String table(YamlNode tableNode, YamlPath tablePath) {
            String table = tableNode == null ? null : text(tableNode, tablePath);
            if (table == null) {
                return null;
            }
            try {
                return QualifiedName.parse(table).toString();
            } catch (IllegalArgumentException e) {
                problems.add(sourceFile, tableNode, tablePath, e.getMessage());
                return null;
            }
        }

        /** The {@code key} or {@code set} mapping of a write item: column → expression. */
        private Map<String, SqlExpression> columns(YamlNode.Mapping item, String which, YamlPath itemPath,
                                                   Map<String, SqlExpression> keyColumns) {
            Map<String, SqlExpression> columns = new LinkedHashMap<>();
            YamlPath columnsPath = itemPath.child(which);
            YamlNode columnsNode = item.get(which);
            if (columnsNode == null || columnsNode instanceof YamlNode.Scalar s && s.isNull() && which.equals("set")) {
                return columns;
            }
            YamlNode.Mapping mapping = mapping(columnsNode, columnsPath);
            if (mapping == null) {
                return columns;
            }
            for (YamlNode.Entry entry : mapping.entries().values()) {
                YamlPath columnPath = columnsPath.child(entry.key());
                identifier(entry, columnPath, "column");
                if (keyColumns.containsKey(entry.key())) {
                    problems.add(sourceFile, entry.line(), entry.column(), columnPath, "column '" + entry.key()
                            + "' is already written by this item's key");
                }
                SqlExpression expression = expression(entry.value(), columnPath);
                if (expression != null) {
                    checkParams(expression, entry.value(), columnPath, which.equals("key"));
                    columns.put(entry.key(), expression);
                }
            }
            return columns;
        }

        private void checkParams(SqlExpression expression, YamlNode at, YamlPath columnPath, boolean inKey) {
            if (declared == null) {
                return;   // fields missing or unusable: already reported, don't repeat it per parameter
            }
            for (String param : expression.referencedFields()) {
                if (!declared.contains(param)) {
                    problems.add(sourceFile, at, columnPath, "':" + param + "' is not a field of entity " + name
                            + " (fields: " + String.join(", ", declared) + ")");
                } else if (inKey && !key.contains(param)) {
                    problems.add(sourceFile, at, columnPath, "':" + param + "' is not a key field of entity " + name
                            + " (key: " + String.join(", ", key) + "); a write item's key may use only key fields,"
                            + " because a delete carries only the key");
                }
            }
        }
    }

    /** Why a FROM clause is unusable, or {@code null}. */
    private static String fromProblem(String from) {
        try {
            SqlScanner scan = SqlScanner.scan(from);
            if (scan.semicolon() >= 0) {
                return "';' is not allowed outside quotes: a from clause cannot end or chain statements";
            }
            if (!scan.params().isEmpty()) {
                return "a from clause cannot use parameters (':" + scan.params().get(0).name() + "')";
            }
            return scan.unbalanced() >= 0 ? "parentheses or brackets do not balance" : null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private SqlExpression expression(YamlNode node, YamlPath path) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        try {
            return SqlExpression.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(sourceFile, node, path, e.getMessage());
            return null;
        }
    }

    private void checkKeys(YamlNode.Mapping mapping, YamlPath path, List<String> allowed, List<String> required) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!allowed.contains(entry.key())) {
                problems.add(sourceFile, entry.line(), entry.column(), path.child(entry.key()), "unknown key '"
                        + entry.key() + "'; allowed here: " + String.join(", ", allowed));
            }
        }
        for (String key : required) {
            if (!mapping.entries().containsKey(key)) {
                problems.add(sourceFile, mapping, path, "missing required key '" + key + "' (required here: "
                        + String.join(", ", required) + ")");
            }
        }
    }

    private YamlNode.Mapping mapping(YamlNode node, YamlPath path) {
        if (node instanceof YamlNode.Mapping mapping) {
            return mapping;
        }
        problems.add(sourceFile, node, path, "must be a mapping (key: value), not " + node.kind());
        return null;
    }

    /** A scalar's text, or {@code null} after reporting an empty value or a container. */
    private String text(YamlNode node, YamlPath path) {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            problems.add(sourceFile, node, path, "must be a single value, not " + node.kind());
            return null;
        }
        if (scalar.isNull() || scalar.text().isBlank()) {
            problems.add(sourceFile, node, path, "must not be empty");
            return null;
        }
        return scalar.text();
    }

    private String identifier(String name, YamlNode at, YamlPath path) {
        if (SqlIdentifier.isValid(name)) {
            return name;
        }
        problems.add(sourceFile, at, path, "'" + name + "' is not a valid name: " + SqlIdentifier.RULE);
        return null;
    }

    private void identifier(YamlNode.Entry entry, YamlPath path, String what) {
        if (!SqlIdentifier.isValid(entry.key())) {
            problems.add(sourceFile, entry.line(), entry.column(), path, "'" + entry.key() + "' is not a valid "
                    + what + " name: " + SqlIdentifier.RULE);
        }
    }
}
