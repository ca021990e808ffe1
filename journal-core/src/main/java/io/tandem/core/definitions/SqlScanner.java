package io.tandem.core.definitions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One pass over a piece of PostgreSQL SQL that finds what matters outside quotes and comments: {@code :name}
 * parameters, {@code ;}, {@code ?}, top-level commas and unbalanced brackets.
 *
 * <p>Skipped verbatim: single-quoted literals ({@code 'it''s'}), escape strings ({@code E'\''}), dollar-quoted
 * strings ({@code $$..$$}, {@code $tag$..$tag$}), double-quoted identifiers, {@code --} and (nested) {@code /* *}{@code /}
 * comments. {@code ::} is a cast, never a parameter; {@code :=} is named-argument notation.
 */
final class SqlScanner {

    /** A {@code :name} occurrence: {@code text.substring(start, end)} is {@code ":" + name}. */
    record Param(int start, int end, String name) {
    }

    private final String s;
    private final List<Param> params = new ArrayList<>();
    private final Deque<Character> open = new ArrayDeque<>();
    private int i;
    private int semicolon = -1;
    private int question = -1;
    private int topLevelComma = -1;
    private int unbalanced = -1;
    private boolean endsInLineComment;

    private SqlScanner(String text) {
        this.s = text;
    }

    /**
     * Scans {@code text}.
     *
     * @throws IllegalArgumentException if a literal, quoted identifier or comment is not terminated
     */
    static SqlScanner scan(String text) {
        SqlScanner scanner = new SqlScanner(text);
        scanner.run();
        return scanner;
    }

    List<Param> params() {
        return List.copyOf(params);
    }

    /** Offset of the first {@code ;} outside quotes and comments, or -1. */
    int semicolon() {
        return semicolon;
    }

    /** Offset of the first {@code ?} outside quotes and comments, or -1. */
    int question() {
        return question;
    }

    /** Offset of the first {@code ,} outside quotes, comments, parentheses and brackets, or -1. */
    int topLevelComma() {
        return topLevelComma;
    }

    /** Offset of the first unmatched closing bracket, or the text's length when one stays open; else -1. */
    int unbalanced() {
        return unbalanced;
    }

    /** Whether the text ends inside a {@code --} comment (so appending SQL after it would comment that out). */
    boolean endsInLineComment() {
        return endsInLineComment;
    }

    private void run() {
        while (i < s.length()) {
            endsInLineComment = false;
            step(s.charAt(i));
        }
        if (!open.isEmpty() && unbalanced < 0) {
            unbalanced = s.length();
        }
    }

    private void step(char c) {
        if (c == '\'') {
            literal(i, false);
        } else if ((c == 'E' || c == 'e') && at(i + 1) == '\'') {
            literal(i + 1, true);
        } else if (c == '"') {
            quotedIdentifier();
        } else if (c == '$' && dollarTagEnd(i) > 0) {
            dollarQuoted();
        } else if (c == '-' && at(i + 1) == '-') {
            lineComment();
        } else if (c == '/' && at(i + 1) == '*') {
            blockComment();
        } else if (isWordPart(c)) {
            while (i < s.length() && isWordPart(s.charAt(i))) {
                i++;   // a whole word, so '$' and 'E' inside identifiers start nothing
            }
        } else if (c == ':') {
            colon();
        } else {
            punctuation(c);
        }
    }

    private void literal(int quote, boolean backslashEscapes) {
        int start = i;
        int j = quote + 1;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (backslashEscapes && c == '\\') {
                j += 2;
            } else if (c == '\'' && at(j + 1) == '\'') {
                j += 2;
            } else if (c == '\'') {
                i = j + 1;
                return;
            } else {
                j++;
            }
        }
        throw unterminated("string literal", start);
    }

    private void quotedIdentifier() {
        int start = i;
        int j = i + 1;
        while (j < s.length()) {
            if (s.charAt(j) == '"' && at(j + 1) == '"') {
                j += 2;
            } else if (s.charAt(j) == '"') {
                i = j + 1;
                return;
            } else {
                j++;
            }
        }
        throw unterminated("quoted identifier", start);
    }

    /** End (exclusive) of a dollar-quote delimiter {@code $tag$} starting at {@code from}, or -1. */
    private int dollarTagEnd(int from) {
        int j = from + 1;
        if (j < s.length() && isAsciiLetterOrUnderscore(s.charAt(j))) {
            j++;
            while (j < s.length() && (isAsciiLetterOrUnderscore(s.charAt(j)) || isAsciiDigit(s.charAt(j)))) {
                j++;
            }
        }
        return at(j) == '$' ? j + 1 : -1;
    }

    private void dollarQuoted() {
        int start = i;
        String delimiter = s.substring(i, dollarTagEnd(i));
        int close = s.indexOf(delimiter, i + delimiter.length());
        if (close < 0) {
            throw unterminated("dollar-quoted string " + delimiter, start);
        }
        i = close + delimiter.length();
    }

    private void lineComment() {
        int newline = s.indexOf('\n', i);
        endsInLineComment = newline < 0;
        i = newline < 0 ? s.length() : newline + 1;
    }

    private void blockComment() {
        int start = i;
        int depth = 0;
        int j = i;
        while (j < s.length()) {
            if (s.startsWith("/*", j)) {
                depth++;
                j += 2;
            } else if (s.startsWith("*/", j)) {
                j += 2;
                if (--depth == 0) {
                    i = j;
                    return;
                }
            } else {
                j++;
            }
        }
        throw unterminated("comment", start);
    }

    private void colon() {
        char next = at(i + 1);
        if (next == ':') {
            i += 2;
        } else if (isAsciiLetterOrUnderscore(next)) {
            int j = i + 2;
            while (j < s.length() && (isAsciiLetterOrUnderscore(s.charAt(j)) || isAsciiDigit(s.charAt(j)))) {
                j++;
            }
            params.add(new Param(i, j, s.substring(i + 1, j)));
            i = j;
        } else {
            i++;
        }
    }

    private void punctuation(char c) {
        switch (c) {
            case ';' -> semicolon = first(semicolon);
            case '?' -> question = first(question);
            case ',' -> topLevelComma = open.isEmpty() ? first(topLevelComma) : topLevelComma;
            case '(', '[' -> open.push(c);
            case ')', ']' -> close(c == ')' ? '(' : '[');
            default -> {
            }
        }
        i++;
    }

    private void close(char opening) {
        if (open.isEmpty() || open.pop() != opening) {
            unbalanced = first(unbalanced);
        }
    }

    private int first(int seen) {
        return seen < 0 ? i : seen;
    }

    private char at(int index) {
        return index < s.length() ? s.charAt(index) : '\0';
    }

    private IllegalArgumentException unterminated(String what, int start) {
        return new IllegalArgumentException("unterminated " + what + " starting at offset " + start);
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static boolean isAsciiLetterOrUnderscore(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
