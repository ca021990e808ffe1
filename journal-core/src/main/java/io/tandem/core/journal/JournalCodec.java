package io.tandem.core.journal;

import io.tandem.core.definitions.FieldType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Converts the field maps of a {@link JournalEntry} to and from the JSON text of the journal's {@code key} and
 * {@code data} columns ({@code jsonb}), following {@code docs/journal-format.md}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Lossless: {@code decode(encode(m), types)} equals {@code m} for every supported value of the declared
 *       types (numbers are carried as their exact decimal text and never pass through a {@code double}), and
 *       still does after PostgreSQL's {@code jsonb} normalisation, except that {@code jsonb} drops a
 *       {@code BigDecimal}'s trailing zeros after a negative scale or exponent ({@code 1E+3} comes back as
 *       {@code 1000}: same value, scale 0) and the sign of {@code -0.0}.</li>
 *   <li>Refuses rather than alters: anything PostgreSQL or the declared type could not hold exactly raises a
 *       {@link JournalCodecException} naming the field, the expected type and the value.</li>
 *   <li>Field order of {@code encode}'s input is kept in the JSON; decoded maps keep the JSON's order (which
 *       {@code jsonb} itself does not preserve).</li>
 *   <li>Thread-safe and reusable: one instance can serve a whole application.</li>
 * </ul>
 */
public final class JournalCodec {
    /** PostgreSQL numeric has up to 131072 + 16383 digits; Jackson's default limit is 1000. */
    private static final int MAX_NUMBER_CHARS = 150_000;

    private final ObjectMapper mapper = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(MAX_NUMBER_CHARS).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A codec; cheap to keep, so keep one. */
    public JournalCodec() {
    }

    /**
     * The JSON object text for a {@code key} or {@code data} column, to be bound as {@code ?::jsonb}.
     *
     * @param fields field name to value; values of the types listed in {@code docs/journal-format.md}
     * @throws JournalCodecException naming the field whose value cannot be carried, e.g. a string with U+0000 or
     *                               an unsupported Java type
     */
    public String encode(Map<String, Object> fields) {
        Objects.requireNonNull(fields, "fields");
        StringWriter out = new StringWriter();
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                String field = fieldName(e.getKey());
                g.writeFieldName(field);
                JsonValueWriter.write(g, field, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    /**
     * Reads a {@code key} or {@code data} column into the Java values of the fields' declared types
     * ({@link FieldType.Kind#javaType()}); JSON {@code null} gives {@code null}. Fields of {@code types} absent
     * from the JSON are absent from the result.
     *
     * @param json  the column's text, e.g. from {@code data::text}
     * @param types every field the JSON may hold, with its declared type
     * @return an unmodifiable map in the JSON's field order
     * @throws JournalCodecException if the text is not a JSON object, holds a field not in {@code types}, or a
     *                               value that its type cannot hold exactly (naming field, type and value)
     */
    public Map<String, Object> decode(String json, Map<String, FieldType> types) {
        Objects.requireNonNull(types, "types");
        return read(json, v -> {
            FieldType type = types.get(v.field());
            if (type == null) {
                throw new JournalCodecException(v.field(), "field '" + v.field() + "' is not a field of this "
                        + "definition (it knows " + String.join(", ", types.keySet()) + "); got " + v.shown());
            }
            if (v.isNested()) {
                throw v.mismatch(type.sql(), "nested values are not part of the journal format");
            }
            return JsonValueReader.typed(v, type);
        });
    }

    /**
     * Reads a {@code key} or {@code data} column without a definition: integers as {@code Long} (a
     * {@code BigDecimal} beyond the range of long), other numbers as {@code BigDecimal}, strings, booleans and
     * {@code null} as themselves.
     *
     * @return an unmodifiable map in the JSON's field order
     * @throws JournalCodecException if the text is not a JSON object, or a field holds an object or array
     */
    public Map<String, Object> decodeUntyped(String json) {
        return read(json, JsonValueReader::untyped);
    }

    private Map<String, Object> read(String json, Function<JsonScalar, Object> convert) {
        if (json == null) {
            throw new JournalCodecException(null, "journal JSON is null; key and data hold a JSON object");
        }
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new JournalCodecException(null, "journal JSON must be an object like {\"id\": 1}, got "
                        + (first == null ? "nothing" : shorten(json)));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                JsonScalar value = new JsonScalar(field, token, token.isScalarValue() ? p.getText() : null);
                result.put(field, convert.apply(value));
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw new JournalCodecException(null, "journal JSON has text after its object: " + shorten(json));
            }
        } catch (JsonProcessingException e) {
            throw new JournalCodecException(null, "journal JSON is malformed: " + e.getOriginalMessage()
                    + "; in " + shorten(json), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string failed", e);
        }
        return FrozenFields.adopt(result);
    }

    private static String fieldName(String field) {
        if (field == null) {
            throw new JournalCodecException(null, "a field name is null; every field needs a name");
        }
        return JsonValueWriter.checkedText(field, field);
    }

    private static String shorten(String json) {
        return json.length() <= 120 ? json : json.substring(0, 120) + "... (" + json.length() + " chars)";
    }
}
