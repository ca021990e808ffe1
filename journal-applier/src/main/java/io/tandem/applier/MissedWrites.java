package io.tandem.applier;

import io.tandem.core.journal.JournalEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The journal rows of one target transaction that wrote nothing: an update or delete of a row that does not exist
 * (never inserted, already deleted, or its insert rejected). Such a row is not an error — a plain table answers
 * "0 rows" to the same statement — but it must not vanish without a trace: each is logged, and the count is kept
 * with the applier's position ({@code noop_writes}), shown by {@code tandem status} and {@code /metrics}.
 *
 * <p>Counted in the target transaction, so a slice re-applied after a crash is never counted twice.
 */
final class MissedWrites {
    private static final Logger log = LoggerFactory.getLogger(MissedWrites.class);
    private int count;

    /** {@code entry}'s {@code statement} changed no row. */
    void missed(WriteStatement statement, JournalEntry entry) {
        count++;
        log.warn("A journal row wrote nothing: {} of {} v{} key {} matched no row of {} (already deleted or never"
                        + " inserted); counted in noop_writes", entry.op().name().toLowerCase(Locale.ROOT),
                entry.entity(), entry.version(), entry.key(), statement.table());
    }

    /** {@code rows} rows of a group like {@code sample}, written by one set-based {@code statement}, changed no row. */
    void missed(WriteStatement statement, JournalEntry sample, int rows) {
        count += rows;
        log.warn("{} journal row(s) wrote nothing: {} of {} v{} matched no row of {} (already deleted or never"
                        + " inserted); counted in noop_writes", rows, sample.op().name().toLowerCase(Locale.ROOT),
                sample.entity(), sample.version(), statement.table());
    }

    int count() {
        return count;
    }
}
