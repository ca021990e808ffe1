package io.tandem.core.definitions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one app version sees, mapped onto the physical schema: the parsed form of {@code versions/v<N>.yaml}
 * (docs/definitions.md).
 *
 * <p>Guarantees (as built by {@link DefinitionReader}): {@code app} is a valid {@link SqlIdentifier},
 * {@code version} is positive, there is at least one entity and each is valid as {@link EntityDefinition}
 * describes. Entities keep definition order and are unmodifiable.
 *
 * @param app        app name, e.g. {@code shop}
 * @param version    app version, e.g. {@code 1}
 * @param entities   entity name → definition
 * @param sourceFile where the definition was read from, as given to the reader
 * @param source     the YAML text exactly as read
 */
public record VersionDefinition(String app, int version, Map<String, EntityDefinition> entities, String sourceFile,
                                String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public VersionDefinition {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(sourceFile, "sourceFile");
        Objects.requireNonNull(source, "source");
        entities = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(entities, "entities")));
    }

    /**
     * Where in {@link #sourceFile} the entry at {@code keys} (e.g. {@code entities}, {@code customer}, {@code fields},
     * {@code phone}) is written, as {@code file:line:column}; as deep as the keys are found, the file alone if none
     * is (or the source does not parse). For problems found after reading, such as lint's, to name the line.
     */
    public String where(String... keys) {
        YamlNode node = YamlTree.parse(source, sourceFile, new Problems());
        YamlNode.Entry found = null;
        for (String key : keys) {
            YamlNode.Entry entry = node instanceof YamlNode.Mapping m ? m.entries().get(key) : null;
            if (entry == null) {
                break;
            }
            found = entry;
            node = entry.value();
        }
        return found == null ? sourceFile : sourceFile + ":" + found.line() + ":" + found.column();
    }

    /**
     * The view schema of this version, e.g. {@code shop_v1}: its views always show the applied state overlaid with
     * the reading transaction's own journaled writes.
     */
    public String viewSchema() {
        return viewSchema(app, version);
    }

    /** The view schema of {@code app} version {@code version}, e.g. {@code shop_v1}: the one naming rule. */
    public static String viewSchema(String app, int version) {
        return app + "_v" + version;
    }

    /**
     * The plain view schema of this version, e.g. {@code shop_v1_plain}: the same views without the own-writes
     * overlay, for transactions that have written nothing. An app puts it first on its search_path; the views'
     * write triggers swap it for {@link #viewSchema()} for the rest of a transaction that writes
     * (docs/views.md, "Own writes").
     */
    public String plainViewSchema() {
        return plainViewSchema(app, version);
    }

    /** The plain view schema of {@code app} version {@code version}, e.g. {@code shop_v1_plain}. */
    public static String plainViewSchema(String app, int version) {
        return viewSchema(app, version) + "_plain";
    }

    /** The schemas that hold this version's views ({@link #viewSchemas(String, int)}). */
    public List<String> viewSchemas() {
        return viewSchemas(app, version);
    }

    /**
     * The schemas that hold {@code app} version {@code version}'s views: its plain view schema, unless its name is
     * not valid (a version released before the plain views existed, whose app name leaves no room for
     * {@code _plain}, has none), then its view schema.
     */
    public static List<String> viewSchemas(String app, int version) {
        String plain = plainViewSchema(app, version);
        return SqlIdentifier.isValid(plain) ? List.of(plain, viewSchema(app, version))
                : List.of(viewSchema(app, version));
    }

    /**
     * This definition with each entity's write items passed through {@code writes} (which may drop an item by
     * returning {@code null}); the entities, their fields and views are unchanged. The applier uses it to qualify
     * table names and to keep only the items one of its tracks projects.
     */
    public VersionDefinition withWrites(java.util.function.UnaryOperator<WriteItem> writes) {
        Map<String, EntityDefinition> mapped = new java.util.LinkedHashMap<>();
        entities.forEach((name, e) -> mapped.put(name, new EntityDefinition(e.name(), e.key(), e.from(), e.fields(),
                e.writes().stream().map(writes).filter(java.util.Objects::nonNull).toList(), e.versionField())));
        return new VersionDefinition(app, version, mapped, sourceFile, source);
    }

    /**
     * The definition as canonical JSON, for a jsonb column: the same definition always gives the same string.
     * Holds {@code app}, {@code version} and {@code entities} (each with {@code key}, {@code from}, {@code fields}
     * as {@code {type, read}} with the normalised type, {@code writes} and, when declared, {@code version_field}),
     * in definition order; not
     * {@code sourceFile} or {@code source}, which are stored beside it.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("app", app);
        root.put("version", version);
        ObjectNode entityNodes = root.putObject("entities");
        entities.forEach((name, entity) -> entityJson(entityNodes.putObject(name), entity));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of strings and numbers always serialises", e);
        }
    }

    private static void entityJson(ObjectNode node, EntityDefinition entity) {
        ArrayNode key = node.putArray("key");
        entity.key().forEach(key::add);
        node.put("from", entity.from());
        ObjectNode fields = node.putObject("fields");
        entity.fields().forEach((name, field) -> fields.putObject(name)
                .put("type", field.type().sql()).put("read", field.read()));
        ArrayNode writes = node.putArray("writes");
        for (WriteItem item : entity.writes()) {
            ObjectNode w = writes.addObject().put("table", item.table());
            ObjectNode k = w.putObject("key");
            item.key().forEach((column, expr) -> k.put(column, expr.text()));
            ObjectNode s = w.putObject("set");
            item.set().forEach((column, expr) -> s.put(column, expr.text()));
        }
        if (entity.versioned()) {
            node.put("version_field", entity.versionField());
        }
    }
}
