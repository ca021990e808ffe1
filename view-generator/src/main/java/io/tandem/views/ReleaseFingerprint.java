package io.tandem.views;

import io.tandem.core.TandemException;
import io.tandem.core.definitions.Release;
import io.tandem.core.definitions.VersionDefinition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A checksum of everything a release folder releases (migrations, definitions, previous mappings): a release in
 * progress is resumed only by the same folder contents.
 */
final class ReleaseFingerprint {
    private ReleaseFingerprint() {
    }

    static String of(Release release) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path migration : release.migrations()) {
                digest.update(migration.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(migration));
            }
            for (VersionDefinition v : release.versions()) {
                digest.update(v.source().getBytes(StandardCharsets.UTF_8));
            }
            for (VersionDefinition v : release.previousVersions()) {
                digest.update(("previous:" + v.source()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new TandemException("Cannot read the release folder " + release.appDir() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
