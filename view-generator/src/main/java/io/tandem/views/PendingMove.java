package io.tandem.views;

import io.tandem.core.definitions.SqlIdentifier;

import java.util.List;

/**
 * The move of a switch that has not happened yet: every table (and the sequences it owns) of schema {@code from}
 * will be in schema {@code to} by the time the function bodies generated now run. A switch creates its views before
 * it holds anything ({@link StagedViews}), while the incoming tables are still in the build schema: a view binds the
 * tables it reads when it is created and follows them through the move, but a function body is text, resolved when it
 * runs — after the move. So the names in generated function bodies are written as they will be, while the objects
 * themselves are created and granted where they are now.
 *
 * @param from the schema the tables are in now, or null for no move
 * @param to   the schema they will be in
 */
record PendingMove(String from, String to) {
    /** No move: names are written as they are. */
    static final PendingMove NONE = new PendingMove(null, null);

    /** SQL that names the moved schema inside a literal ({@code 'schema.table'::regclass}), which is not renamed. */
    static final class Unmovable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unmovable(String message) {
            super(message);
        }
    }

    /**
     * {@code sql} (as PostgreSQL deparses it, names qualified) with every name qualified by {@code from} qualified by
     * {@code to} instead; literals, quoted text and other names are left as they are.
     *
     * @throws Unmovable when a literal names {@code from} (e.g. {@code 'schema.table'::regclass}): left as it is, it
     *                   would name the schema the move empties
     */
    String named(String sql) {
        if (from == null) {
            return sql;
        }
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (SqlTokens.Statement statement : SqlTokens.statements(sql)) {
            List<SqlTokens.Token> tokens = statement.tokens();
            for (int i = 0; i < tokens.size() - 1; i++) {
                SqlTokens.Token t = tokens.get(i);
                SqlTokens.Token next = tokens.get(i + 1);
                if (t.kind() == SqlTokens.Kind.LITERAL && sql.substring(t.start(), t.end()).contains(from + ".")) {
                    throw new Unmovable("a literal names schema " + from + ", which the switch empties: "
                            + sql.substring(t.start(), t.end()));
                }
                if (isFrom(t) && next.kind() == SqlTokens.Kind.SYMBOL && next.text().equals(".")
                        && next.start() == t.end()) {
                    out.append(sql, copied, t.start()).append(SqlIdentifier.of(to).quoted());
                    copied = t.end();
                }
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** {@code sequence} as it will be named: in {@code to} if it is in {@code from} now. */
    KeySequences.Sequence named(KeySequences.Sequence sequence) {
        // the catalog quotes a name only where it must (quote_ident), SqlIdentifier always
        boolean moves = from != null && (sequence.quotedSchema().equals(from)
                || sequence.quotedSchema().equals(SqlIdentifier.of(from).quoted()));
        return moves ? new KeySequences.Sequence(SqlIdentifier.of(to).quoted(), sequence.quotedName()) : sequence;
    }

    private boolean isFrom(SqlTokens.Token t) {
        return t.kind() == SqlTokens.Kind.WORD ? t.text().equals(from)
                : t.kind() == SqlTokens.Kind.QUOTED && t.text().equals(from);
    }
}
