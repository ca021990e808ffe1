package io.tandem.applier;

/**
 * A regrouped {@link ApplyOrder.Group} ready to write: {@code columns} holds its values as one text array per field
 * of the statement's many-rows form ({@link GroupWriter#plan}), or is {@code null} when the group goes through the
 * JDBC batch, row by row.
 */
record PlannedGroup(ApplyOrder.Group group, String[][] columns) {
}
