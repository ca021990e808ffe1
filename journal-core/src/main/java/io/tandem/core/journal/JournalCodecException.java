package io.tandem.core.journal;

import io.tandem.core.TandemException;

/**
 * A journal {@code key} or {@code data} document that cannot be encoded or decoded without losing or inventing
 * information.
 *
 * <p>Guarantees: the message names the field (when one is involved), what was expected (a Java type or the
 * field's declared PostgreSQL type) and what was found, and says what to do about it.
 */
public class JournalCodecException extends TandemException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the field involved, or {@code null} when the whole document is at fault
     * @param message what went wrong, naming the field
     */
    public JournalCodecException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** Same as {@link #JournalCodecException(String, String)}, keeping the underlying cause. */
    public JournalCodecException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The field whose value is at fault, or {@code null} when the document as a whole is (e.g. not an object). */
    public String field() {
        return field;
    }
}
