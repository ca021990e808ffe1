package io.tandem.core.journal;

import io.tandem.core.TandemException;

/**
 * A {@link Fence} cannot see what it would have to wait for: the role it reads as may not read the app's journal
 * positions and applier state ({@code tandem.role_journal}, {@code tandem.role_applier_state}), or is not a member of
 * any of the app's version roles. Thrown instead of returning as if the transaction were applied: a fence that cannot
 * see the journal would otherwise find "nothing to wait for" and let a commit return before the applier applied it.
 * The transaction itself is committed and will be applied; {@link #getMessage()} says what to grant.
 */
public class FenceVisibilityException extends TandemException {
    private static final long serialVersionUID = 1L;

    public FenceVisibilityException(String message) {
        super(message);
    }

    public FenceVisibilityException(String message, Throwable cause) {
        super(message, cause);
    }
}
