package io.tandem.core.journal;

import java.util.Locale;

/** What a journal entry does to its entity: the journal's {@code op} column. */
public enum Op {
    INSERT, UPDATE, DELETE;

    private static final Op[] ALL = values();

    private final String sql = name().toLowerCase(Locale.ROOT);

    /** The value stored in the journal's {@code op} column: {@code insert}, {@code update} or {@code delete}. */
    public String sql() {
        return sql;
    }

    /**
     * Reads an {@code op} column value.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Op fromSql(String value) {
        // every journal row the applier reads passes here: no values() copy, no lower-casing per call
        if (value != null) {
            for (Op op : ALL) {
                if (op.sql.equals(value)) {
                    return op;
                }
            }
        }
        throw new IllegalArgumentException("op '" + value + "' is not one of insert, update, delete");
    }
}
