package io.tandem.views;

import java.util.ArrayList;
import java.util.List;

/**
 * A migration script cut into statements of tokens, enough to tell which table each statement changes and how:
 * words (unquoted identifiers and keywords, lowercased), quoted identifiers (as written), and punctuation.
 * String literals (also {@code E''} and dollar-quoted bodies) become one {@link Kind#LITERAL} token each; comments
 * vanish. This is no SQL parser: {@link ReleasePlanner} only reads the first words of each statement.
 */
final class SqlTokens {
    enum Kind { WORD, QUOTED, LITERAL, NUMBER, SYMBOL }

    /**
     * One token; {@code text} is lowercased for words, as written otherwise; {@code start} and {@code end} are its
     * offsets in the script ({@code end} exclusive).
     */
    record Token(Kind kind, String text, int line, int start, int end) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equals(word);
        }

        /** The identifier this token names (a word or a quoted identifier), or null. */
        String identifier() {
            return kind == Kind.WORD || kind == Kind.QUOTED ? text : null;
        }
    }

    /** One statement: its tokens, never empty, the line it starts on, and the script it is part of. */
    record Statement(List<Token> tokens, int line, String script) {
        Token at(int i) {
            return i < tokens.size() ? tokens.get(i) : new Token(Kind.SYMBOL, "", line, -1, -1);
        }

        boolean has(String word) {
            return tokens.stream().anyMatch(t -> t.is(word));
        }

        /** The statement's first {@code count} tokens as the script spells them, on one line. */
        String opening(int count) {
            Token last = tokens.get(Math.min(count, tokens.size()) - 1);
            return script.substring(tokens.get(0).start(), last.end()).replaceAll("\\s+", " ");
        }
    }

    private final String s;
    private int i;
    private int line = 1;

    private SqlTokens(String text) {
        this.s = text;
    }

    /**
     * The statements of {@code script}, split at top-level semicolons.
     *
     * @throws IllegalArgumentException naming the line of an unterminated literal, identifier or comment
     */
    static List<Statement> statements(String script) {
        return new SqlTokens(script).run();
    }

    private List<Statement> run() {
        List<Statement> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int start = 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && peek(1) == '-') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && peek(1) == '*') {
                blockComment();
            } else if (c == ';') {
                if (!current.isEmpty()) {
                    statements.add(new Statement(List.copyOf(current), start, s));
                    current.clear();
                }
                i++;
            } else {
                if (current.isEmpty()) {
                    start = line;
                }
                current.add(token(c));
            }
        }
        if (!current.isEmpty()) {
            statements.add(new Statement(List.copyOf(current), start, s));
        }
        return statements;
    }

    private Token token(char c) {
        int at = line;
        int begin = i;
        if (c == '\'' || (c == 'e' || c == 'E') && peek(1) == '\'') {
            if (c != '\'') {
                i++;
            }
            quoted('\'', c != '\'');
            return new Token(Kind.LITERAL, "'", at, begin, i);
        }
        if (c == '"') {
            int from = i + 1;
            quoted('"', false);
            return new Token(Kind.QUOTED, s.substring(from, i - 1).replace("\"\"", "\""), at, begin, i);
        }
        if (c == '$') {
            String tag = dollarTag();
            if (tag != null) {
                int end = s.indexOf(tag, i + tag.length());
                if (end < 0) {
                    throw new IllegalArgumentException("line " + at + ": unterminated " + tag + " string");
                }
                for (int k = i; k < end; k++) {
                    if (s.charAt(k) == '\n') {
                        line++;
                    }
                }
                i = end + tag.length();
                return new Token(Kind.LITERAL, tag, at, begin, i);
            }
        }
        if (Character.isLetter(c) || c == '_') {
            int from = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                    || s.charAt(i) == '$')) {
                i++;
            }
            return new Token(Kind.WORD, s.substring(from, i).toLowerCase(java.util.Locale.ROOT), at, begin, i);
        }
        if (Character.isDigit(c)) {
            int from = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            return new Token(Kind.NUMBER, s.substring(from, i), at, begin, i);
        }
        i++;
        return new Token(Kind.SYMBOL, String.valueOf(c), at, begin, i);
    }

    /** The {@code $tag$} starting at {@code i}, or null when this {@code $} opens none. */
    private String dollarTag() {
        int k = i + 1;
        while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) {
            k++;
        }
        return k < s.length() && s.charAt(k) == '$' && (k == i + 1 || !Character.isDigit(s.charAt(i + 1)))
                ? s.substring(i, k + 1) : null;
    }

    private void quoted(char quote, boolean backslashEscapes) {
        int at = line;
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (peek(1) == quote) {
                    i += 2;
                    continue;
                }
                i++;
                return;
            }
            i++;
        }
        throw new IllegalArgumentException("line " + at + ": unterminated " + (quote == '"' ? "quoted identifier"
                : "string literal"));
    }

    private void blockComment() {
        int at = line;
        int depth = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '/' && peek(1) == '*') {
                depth++;
                i += 2;
            } else if (s.charAt(i) == '*' && peek(1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                if (s.charAt(i) == '\n') {
                    line++;
                }
                i++;
            }
        }
        throw new IllegalArgumentException("line " + at + ": unterminated /* comment");
    }

    private char peek(int ahead) {
        return i + ahead < s.length() ? s.charAt(i + ahead) : '\0';
    }
}
