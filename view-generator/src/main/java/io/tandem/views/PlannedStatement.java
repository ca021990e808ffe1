package io.tandem.views;

/**
 * One statement of a release's pending migrations as the plan sees it: where it is, which table it changes, and
 * what that costs the table if run on the live one.
 *
 * @param file   the migration file, e.g. {@code V2__split_name.sql}
 * @param line   the line the statement starts on
 * @param text   the statement's first words, for people
 * @param table  the table it changes (unqualified), or null when it changes none
 * @param effect what it does to that table
 */
public record PlannedStatement(String file, int line, String text, String table, Effect effect) {

    /** What a statement does to its table, from cheapest to dearest. */
    public enum Effect {
        /** Changes nothing a table holds (SET, SELECT of a value). */
        NONE,
        /** Catalog only, whatever the table's size: add a nullable column, rename, drop a column, comment. */
        METADATA,
        /** Creates a table (or sequence) that did not exist. */
        CREATES,
        /** Drops a table. */
        DROPS,
        /** Reads every row under a lock that stops writers: SET NOT NULL, a validated constraint, an index. */
        SCANS,
        /** Writes rows of the table: INSERT, UPDATE, DELETE, TRUNCATE, COPY. */
        FILLS,
        /** Rewrites the whole table under an exclusive lock: a type change, a volatile default. */
        REWRITES;

        /** Whether the live table would be locked for time proportional to its size. */
        public boolean heavy() {
            return this == SCANS || this == FILLS || this == REWRITES;
        }

        String describe() {
            return switch (this) {
                case NONE -> "no table";
                case METADATA -> "metadata only";
                case CREATES -> "creates";
                case DROPS -> "drops";
                case SCANS -> "scans";
                case FILLS -> "writes rows of";
                case REWRITES -> "rewrites";
            };
        }

        static Effect worst(Effect a, Effect b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }

    /** e.g. {@code V2__split_name.sql:11  UPDATE customer ...  rewrites customer}. */
    String describe() {
        return file + ":" + line + "  " + text + "  -> " + effect.describe() + (table == null ? "" : " " + table);
    }
}
