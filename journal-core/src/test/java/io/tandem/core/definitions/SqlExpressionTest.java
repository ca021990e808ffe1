package io.tandem.core.definitions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlExpressionTest {

    private static List<String> params(String text) {
        return SqlExpression.parse(text).params();
    }

    @Test
    void findsParamsInOrderKeepingDuplicates() {
        SqlExpression e = SqlExpression.parse("substr(:full_name, length(split_part(:full_name, ' ', 1)) + 2)");
        assertEquals(List.of("full_name", "full_name"), e.params());
        assertEquals(Set.of("full_name"), e.referencedFields());
        assertEquals(List.of("a", "b_2", "_c"), params(":a + :b_2 * :_c"));
        assertEquals(List.of("b", "a"), List.copyOf(SqlExpression.parse(":b || :a || :b").referencedFields()));
    }

    @Test
    void castsAreNotParams() {
        assertEquals(List.of("x"), params(":x::text"));
        assertEquals(List.of(), params("c.id::bigint"));
        assertEquals(List.of("total"), params("(:total)::numeric(12,2)"));
    }

    @Test
    void skipsSingleQuotedLiteralsWithDoubledQuotes() {
        assertEquals(List.of("b"), params("'it''s :a' || :b"));
        assertEquals(List.of(), params("''''"));
        assertEquals(List.of("b"), params("'x' 'y :a' || :b"));
    }

    @Test
    void skipsEscapeStrings() {
        assertEquals(List.of("b"), params("E'it\\'s :a' || :b"));
        assertEquals(List.of("b"), params("e'\\\\' || :b"));
        assertEquals(List.of(), params("E'a '' :x'"));
    }

    @Test
    void anIdentifierEndingInEIsNotAnEscapeString() {
        // "some" then a standard literal: the backslash does not escape the closing quote
        assertEquals(List.of("b"), params("some'\\' || :b"));
    }

    @Test
    void skipsDollarQuotedStrings() {
        assertEquals(List.of("b"), params("$$ :a ' $$ || :b"));
        assertEquals(List.of("b"), params("$tag$ :a $$ not the end $tag$ || :b"));
        assertEquals(List.of("b"), params("$_t1$;$_t1$ || :b"));
    }

    @Test
    void positionalDollarAndDollarInsideIdentifiersStartNoQuote() {
        assertEquals(List.of("b"), params("a$x || $1 || :b"));
    }

    @Test
    void skipsQuotedIdentifiers() {
        assertEquals(List.of("b"), params("\"odd :a \"\" name\" || :b"));
    }

    @Test
    void skipsComments() {
        assertEquals(List.of("b"), params("-- :a ; ?\n:b"));
        assertEquals(List.of("b"), params("/* :a /* nested :c */ ; */ :b"));
    }

    @Test
    void namedArgumentNotationIsNotAParam() {
        assertEquals(List.of("v"), params("make_interval(days := :v)"));
    }

    @Test
    void aColonBeforeADigitIsNotAParam() {
        assertEquals(List.of(), params("arr[1:2]"));
    }

    @Test
    void rendersParamsAndKeepsEverythingElseVerbatim() {
        SqlExpression e = SqlExpression.parse("split_part(:full_name, ' :no ', 1)::text || :x");
        assertEquals("split_part(CAST(? AS text), ' :no ', 1)::text || CAST(? AS bigint)",
                e.render(name -> name.equals("x") ? "CAST(? AS bigint)" : "CAST(? AS text)"));
        assertEquals("c.id", SqlExpression.parse("c.id").render(n -> "?"));
    }

    @Test
    void aLoneParameterIsAFieldThatLandsUnchanged() {
        assertEquals(java.util.Optional.of("id"), SqlExpression.parse(":id").loneField());
        assertEquals(java.util.Optional.of("id"), SqlExpression.parse("  :id\n").loneField());
        for (String text : List.of(":id + 0", "(:id)", ":id::bigint", ":id -- note", "c.id", "coalesce(:a, :b)")) {
            assertEquals(java.util.Optional.empty(), SqlExpression.parse(text).loneField(), text);
        }
    }

    @Test
    void renderEndsATrailingLineCommentSoFollowingSqlSurvives() {
        assertEquals("? -- the email\n", SqlExpression.parse(":email -- the email").render(n -> "?"));
        assertEquals("? -- c\n", SqlExpression.parse(":email -- c\n").render(n -> "?"));
    }

    @ParameterizedTest
    @ValueSource(strings = {":x; DROP TABLE customer", "1;", "';' ; 1", "$$a$$;"})
    void rejectsASemicolonOutsideQuotes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlExpression.parse(text));
        assertTrue(e.getMessage().contains("';' at offset"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"';'", "E'\\';'", "$$;$$", "$q$;$q$", "\";\"", "/* ; */ 1", "1 -- ;"})
    void acceptsASemicolonInsideQuotesOrComments(String text) {
        SqlExpression.parse(text);
    }

    @Test
    void rejectsUnterminatedQuotesAndComments() {
        for (String text : List.of("'abc", "E'abc\\'", "$$abc", "$t$abc$$", "\"abc", "/* abc", "/* /* */")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlExpression.parse(text),
                    text);
            assertTrue(e.getMessage().startsWith("unterminated"), e.getMessage());
        }
    }

    @Test
    void rejectsWhatIsNotOneExpression() {
        assertTrue(message(":a), (1").contains("do not balance"));
        assertTrue(message("(:a").contains("do not balance"));
        assertTrue(message("arr[1)").contains("do not balance"));
        assertTrue(message(":a, b = 1").contains("',' at offset 2"));
        assertTrue(message("data ? 'key'").contains("'?' at offset 5"));
        assertTrue(message("   ").contains("empty"));
    }

    @Test
    void commasInsideParenthesesOrBracketsAreFine() {
        assertEquals(List.of("a"), params("coalesce(:a, 'x')"));
        assertEquals(List.of("a"), params("ARRAY[:a, 2]"));
        SqlExpression.parse("'?' || '?'");
    }

    @Test
    void comparesByText() {
        assertEquals(SqlExpression.parse(":a"), SqlExpression.parse(":a"));
        assertEquals(SqlExpression.parse(":a").hashCode(), SqlExpression.parse(":a").hashCode());
        assertNotEquals(SqlExpression.parse(":a"), SqlExpression.parse(":b"));
        assertEquals(":a || 'x'", SqlExpression.parse(":a || 'x'").toString());
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> SqlExpression.parse(text)).getMessage();
    }
}
