package io.tandem.applier;

import java.util.List;

/**
 * One compiled SQL statement of a projection: the text with {@code CAST(? AS type)} placeholders, and the field
 * whose value each placeholder takes, in order. Values are always bound, never spliced.
 *
 * <p>{@code table} (quoted) and the row it targets — {@code keyShape}, the key columns with their expressions,
 * evaluated on the values of {@code keyParams} — let {@link ApplyOrder} tell which statements touch the same
 * physical row, whichever entity or version they come from.
 */
record WriteStatement(String table, String keyShape, List<String> keyParams, String sql, List<String> params) {
}
