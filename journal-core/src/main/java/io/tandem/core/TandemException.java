package io.tandem.core;

/**
 * Base of every error Tandem raises on purpose. Its message says what went wrong and what to do about it,
 * naming the file, line, app, version, entity or journal row involved.
 */
public class TandemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TandemException(String message) {
        super(message);
    }

    public TandemException(String message, Throwable cause) {
        super(message, cause);
    }
}
