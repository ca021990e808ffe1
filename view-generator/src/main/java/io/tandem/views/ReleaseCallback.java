package io.tandem.views;

import io.tandem.core.db.TrackRow;
import io.tandem.core.definitions.Release;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Hooks the release into Flyway's single grouped transaction: before the first pending migration it takes the
 * {@link PauseLock} and drops the live versions' views (which would stop the migrations from changing the columns
 * they read); after the last one it runs the {@link DefinitionsSwitch}, which recreates them. Both run on Flyway's connection,
 * inside its transaction, so DDL, definitions, views and grants commit — or roll back — as one.
 */
final class ReleaseCallback implements Callback {
    private final Release release;
    private final int pending;
    private final Duration lockTimeout;
    private final DefinitionsSwitch definitions;
    private final MigrationProgress progress;
    private int migrated;
    private long pausedAt;

    ReleaseCallback(Release release, int pending, Duration lockTimeout, DefinitionsSwitch definitions,
                    MigrationProgress progress) {
        this.release = release;
        this.pending = pending;
        this.lockTimeout = lockTimeout;
        this.definitions = definitions;
        this.progress = progress;
    }

    /** When the pause began ({@link System#nanoTime()}), or 0 if it has not. */
    long pausedAt() {
        return pausedAt;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            if (event == Event.BEFORE_EACH_MIGRATE && migrated == 0) {
                TrackRow.live(release.app()).hold(context.getConnection(), lockTimeout);
                pausedAt = System.nanoTime();
                definitions.clearViews(context.getConnection(), release.app());
                progress.step("Applier of app " + release.app() + " held at a batch boundary; applying "
                        + pending + " migration(s) in one transaction");
            } else if (event == Event.AFTER_EACH_MIGRATE) {
                migrated++;
                progress.step("Migration " + context.getMigrationInfo().getVersion() + " ("
                        + context.getMigrationInfo().getDescription() + ") applied, not yet committed");
                if (migrated == pending) {
                    definitions.apply(context.getConnection(), release);
                }
            }
        } catch (SQLException e) {
            throw new ReleaseStepFailed(e);
        }
    }

    @Override
    public String getCallbackName() {
        return "tandem-release";
    }

    /** Carries a SQL failure out of Flyway, which accepts only unchecked exceptions from callbacks. */
    static final class ReleaseStepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReleaseStepFailed(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
