package io.tandem.applier;

import java.util.List;

/**
 * One compiled SQL statement of a projection, in two forms that write the same: {@code sql} writes one journal
 * row, its placeholders {@code CAST(? AS type)} taking the values of {@code params} in order; {@code manySql}
 * writes a group of rows of distinct physical keys at once, from one bound array per field of {@code manyParams}
 * ({@link io.tandem.core.definitions.WriteItemSql}). Values are always bound, never spliced.
 *
 * <p>{@code table} (quoted) and the row it targets let {@link ApplyOrder} tell which statements touch the same
 * physical row, whichever entity or version they come from: {@code keyColumns}, the key columns in name order,
 * take the values of the fields {@code keyParams} unchanged; {@code keyColumns} is null when some key column
 * takes an expression (its row cannot be told from the values alone: such a statement is ordered by table).
 *
 * <p>{@code existingRow}: an UPDATE or DELETE, which changes exactly one row when the row exists; when it changes
 * none, the journal row wrote nothing ({@link MissedWrites}).
 */
record WriteStatement(String table, List<String> keyColumns, List<String> keyParams, String sql, List<String> params,
                      String manySql, List<String> manyParams, boolean existingRow) {
}
