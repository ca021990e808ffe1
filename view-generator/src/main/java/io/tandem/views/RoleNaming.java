package io.tandem.views;

import io.tandem.core.definitions.SqlIdentifier;

import java.util.IllegalFormatException;
import java.util.Objects;

/**
 * How the database role of an app version is named: the role {@link ViewGenerator} creates and grants the
 * version's least privileges to, e.g. {@code shop_v1_app}.
 *
 * <p>Guarantees: a name returned by {@link #roleName} is a valid {@link SqlIdentifier} (so it is safe to quote
 * into SQL and is not silently truncated by the server); otherwise it throws. Each version has a role of its own
 * (the views of a version write only that version's journal rows because only its role may): a naming that gives
 * two versions of an app one name is refused, by {@link #pattern} when it is made and by {@link ViewGenerator}
 * when it generates.
 */
@FunctionalInterface
public interface RoleNaming {

    /** The default naming, {@code <app>_v<N>_app}, e.g. {@code shop_v1_app}. */
    RoleNaming DEFAULT = pattern("%s_v%d_app");

    /**
     * The role of {@code app} version {@code version}.
     *
     * @throws IllegalArgumentException if the name would not be a valid identifier
     */
    String roleName(String app, int version);

    /**
     * Names roles with a {@link String#format} pattern that receives the app ({@code %s}) and the version
     * ({@code %d}), e.g. {@code pattern("%s_v%d_rw")} gives {@code shop_v1_rw}.
     *
     * @throws IllegalArgumentException if the pattern is not a valid format for (String, int), does not give
     *                                  a valid identifier for app {@code a} version 1, or gives versions 1 and 2
     *                                  the same name (no {@code %d})
     */
    static RoleNaming pattern(String format) {
        Objects.requireNonNull(format, "format");
        RoleNaming naming = (app, version) -> {
            String name;
            try {
                name = String.format(format, app, version);
            } catch (IllegalFormatException e) {
                throw new IllegalArgumentException("role name pattern '" + format + "' is not a format for an app "
                        + "name (%s) and a version (%d): " + e.getMessage(), e);
            }
            if (!SqlIdentifier.isValid(name)) {
                throw new IllegalArgumentException("role name '" + name + "' (pattern '" + format + "') is not a "
                        + "valid name: " + SqlIdentifier.RULE);
            }
            return name;
        };
        if (naming.roleName("a", 1).equals(naming.roleName("a", 2))) {
            throw new IllegalArgumentException("role name pattern '" + format + "' gives every version of an app the"
                    + " same role; put the version (%d) in it, e.g. '%s_v%d_rw'");
        }
        return naming;
    }
}
