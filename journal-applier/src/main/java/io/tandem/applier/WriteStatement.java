package io.tandem.applier;

import java.util.List;

/**
 * One compiled SQL statement of a projection: the text with {@code CAST(? AS type)} placeholders, and the field
 * whose value each placeholder takes, in order. Values are always bound, never spliced.
 */
record WriteStatement(String sql, List<String> params) {
}
