package io.tandem.orm.hibernate;

import io.tandem.core.TandemException;

/**
 * A fenced commit whose transaction the applier did not apply within {@code tandem.fence-timeout}, under
 * {@code tandem.fence-timeout-action=throw}. The transaction IS committed and durable; it will be applied.
 */
public class FenceTimeoutException extends TandemException {
    private final long txid;

    public FenceTimeoutException(long txid, String message) {
        super(message);
        this.txid = txid;
    }

    /** The committed transaction that was not applied in time. */
    public long txid() {
        return txid;
    }
}
