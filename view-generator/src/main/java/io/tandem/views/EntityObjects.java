package io.tandem.views;

import io.tandem.core.definitions.EntityDefinition;
import io.tandem.core.definitions.SqlIdentifier;
import io.tandem.core.definitions.VersionDefinition;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the objects generated for one entity of a version, schema-qualified and quoted, ready for SQL.
 *
 * <p>Guarantees: every name is a valid {@link SqlIdentifier}. A function name that {@code <entity>_own} or
 * {@code <entity>_write} would make too long is {@code own_<hash>} or {@code write_<hash>} instead (a hash of the
 * entity name, so it is stable across releases and distinct per entity).
 *
 * @param view            {@code "<app>_v<N>"."<entity>"}, the view overlaying the transaction's own writes
 * @param plainView       {@code "<app>_v<N>_plain"."<entity>"}, the physical SELECT alone
 * @param ownFunction     {@code "<app>_v<N>"."<entity>_own"}, the transaction's own state ({@link OwnStateFunction})
 * @param triggerFunction {@code "<app>_v<N>"."<entity>_write"}, the views' write trigger ({@link WriteTrigger})
 */
record EntityObjects(String view, String plainView, String ownFunction, String triggerFunction) {

    /**
     * The names for {@code entity} of {@code v}.
     *
     * @throws IllegalArgumentException if a view schema name would not be a valid name
     */
    static EntityObjects of(VersionDefinition v, EntityDefinition entity) {
        String schema = SqlIdentifier.of(v.viewSchema()).quoted() + ".";
        String plain = SqlIdentifier.of(v.plainViewSchema()).quoted() + ".";
        String name = SqlIdentifier.of(entity.name()).quoted();
        return new EntityObjects(schema + name, plain + name,
                schema + function(entity, "_own", "own_").quoted(),
                schema + function(entity, "_write", "write_").quoted());
    }

    private static SqlIdentifier function(EntityDefinition entity, String suffix, String hashedPrefix) {
        String name = entity.name() + suffix;
        return SqlIdentifier.of(SqlIdentifier.isValid(name) ? name : hashedPrefix + hash(entity.name()));
    }

    private static String hash(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
