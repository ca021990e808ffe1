package io.tandem.core.journal;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One JSON value of a journal document as read: its token kind and its exact text (numbers are kept as written,
 * so nothing is rounded before the field's type is known).
 *
 * @param field the field it belongs to
 * @param token the JSON token: a scalar, or {@code START_OBJECT}/{@code START_ARRAY} for a nested value
 * @param text  the number's literal text or the string's (unescaped) content; {@code null} otherwise
 */
record JsonScalar(String field, JsonToken token, String text) {
    private static final int SHOWN_CHARS = 80;

    boolean isString() {
        return token == JsonToken.VALUE_STRING;
    }

    boolean isNumber() {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    boolean isNested() {
        return token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY;
    }

    /** The value as JSON, shortened, for error messages: {@code "abc"}, {@code 1.5}, {@code true}, an object. */
    String shown() {
        switch (token) {
            case START_OBJECT: return "a JSON object";
            case START_ARRAY: return "a JSON array";
            case VALUE_TRUE: return "true";
            case VALUE_FALSE: return "false";
            case VALUE_NULL: return "null";
            case VALUE_STRING: return '"' + shorten(new String(JsonStringEncoder.getInstance().quoteAsString(text))) + '"';
            default: return shorten(text);
        }
    }

    /** A {@link JournalCodecException}: "field 'f': expected {expected}, got {value}{why}". */
    JournalCodecException mismatch(String expected, String why) {
        return new JournalCodecException(field, "field '" + field + "': expected " + expected + ", got " + shown()
                + (why == null || why.isEmpty() ? "" : " (" + why + ")"));
    }

    private static String shorten(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "... (" + s.length() + " chars)";
    }
}
