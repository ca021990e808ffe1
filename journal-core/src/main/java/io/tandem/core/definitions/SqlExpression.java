package io.tandem.core.definitions;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One SQL expression from a version definition, e.g. {@code split_part(:full_name, ' ', 1)}, whose
 * {@code :field} parameters take values from a journal row.
 *
 * <p>Guarantees, once {@link #parse} accepted the text:
 * <ul>
 *   <li>{@link #params()} lists every {@code :name} occurrence outside quotes and comments, in order
 *       ({@code x::text} is a cast, {@code ':x'} a literal, neither is a parameter);</li>
 *   <li>the text is a single expression: no {@code ;} (so it cannot chain a statement), no {@code ,} outside
 *       brackets (so it cannot add a column to the statement around it), balanced parentheses and brackets,
 *       and no {@code ?} (JDBC would take it for a bind placeholder; use {@code jsonb_exists} and friends
 *       instead of the {@code ?} operators) — all counted outside quotes and comments;</li>
 *   <li>{@link #render} keeps everything but the parameters verbatim, so parameter values are only ever bound,
 *       never spliced into SQL.</li>
 * </ul>
 * Instances are immutable and compare by text.
 */
public final class SqlExpression {
    private final String text;
    private final List<SqlScanner.Param> params;
    private final boolean endsInLineComment;

    private SqlExpression(String text, SqlScanner scan) {
        this.text = text;
        this.params = scan.params();
        this.endsInLineComment = scan.endsInLineComment();
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException saying what is wrong and where (character offset)
     */
    public static SqlExpression parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("expression is empty");
        }
        SqlScanner scan = SqlScanner.scan(text);
        if (scan.semicolon() >= 0) {
            throw new IllegalArgumentException("';' at offset " + scan.semicolon()
                    + " is not allowed outside quotes: an expression cannot end or chain statements");
        }
        if (scan.question() >= 0) {
            throw new IllegalArgumentException("'?' at offset " + scan.question() + " is not allowed outside quotes:"
                    + " JDBC would take it for a bind parameter (use jsonb_exists() instead of the ? operator)");
        }
        if (scan.unbalanced() >= 0) {
            throw new IllegalArgumentException("parentheses or brackets do not balance (offset " + scan.unbalanced()
                    + ")");
        }
        if (scan.topLevelComma() >= 0) {
            throw new IllegalArgumentException("',' at offset " + scan.topLevelComma()
                    + " outside parentheses: write exactly one expression");
        }
        return new SqlExpression(text, scan);
    }

    /** The expression exactly as written in the definition. */
    public String text() {
        return text;
    }

    /** The names of the {@code :name} parameters, in order of occurrence, duplicates kept. */
    public List<String> params() {
        return params.stream().map(SqlScanner.Param::name).toList();
    }

    /** The distinct fields this expression reads, in order of first occurrence. */
    public Set<String> referencedFields() {
        Set<String> fields = new LinkedHashSet<>();
        params.forEach(p -> fields.add(p.name()));
        return java.util.Collections.unmodifiableSet(fields);
    }

    /**
     * The field this expression consists of, when it is one parameter and nothing else ({@code :id}, white space
     * around it allowed): the field's value lands in the column unchanged. Empty for anything else, e.g.
     * {@code :id + 0}, {@code (:id)} or {@code :id -- note}.
     */
    public Optional<String> loneField() {
        if (params.size() != 1) {
            return Optional.empty();
        }
        SqlScanner.Param p = params.get(0);
        boolean alone = text.substring(0, p.start()).isBlank() && text.substring(p.end()).isBlank();
        return alone ? Optional.of(p.name()) : Optional.empty();
    }

    /**
     * The expression with each {@code :name} occurrence replaced by {@code paramSql.apply(name)}, e.g.
     * {@code name -> "CAST(? AS bigint)"}; bind values in {@link #params()} order. Everything else is kept verbatim,
     * except that a newline is appended when the text ends in a {@code --} comment, so SQL placed after the
     * rendered expression is never commented out.
     */
    public String render(Function<String, String> paramSql) {
        StringBuilder sql = new StringBuilder(text.length() + 16 * params.size());
        int from = 0;
        for (SqlScanner.Param p : params) {
            sql.append(text, from, p.start()).append(paramSql.apply(p.name()));
            from = p.end();
        }
        sql.append(text, from, text.length());
        if (endsInLineComment) {
            sql.append('\n');
        }
        return sql.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlExpression other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The text as written. */
    @Override
    public String toString() {
        return text;
    }
}
