package io.tandem.cli;

import java.sql.Connection;
import java.sql.SQLException;
import com.zaxxer.hikari.HikariDataSource;
import io.tandem.core.db.ReleaseState;
import io.tandem.views.MigrationProgress;
import io.tandem.views.ReleaseControl;
import io.tandem.views.SwitchTime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tandem release status|pause|resume|abort|revert|finish --app A}: steer an app's online release from any
 * terminal (see {@link ReleaseControl}).
 */
@Command(name = "release", description = "Steer an online release: status, pause, resume, abort (before the switch),"
        + " revert or finish (after it).")
final class ReleaseCommand implements Callable<Integer> {
    /** What to do with the release. */
    enum Action { status, pause, resume, abort, revert, finish }

    @Parameters(index = "0", paramLabel = "ACTION", description = "status, pause, resume, abort, revert or finish")
    Action action;
    @Mixin
    ConnectionOptions connection;
    @Option(names = "--app", required = true, description = "The app, e.g. shop")
    String app;
    @Option(names = "--lock-timeout-ms", defaultValue = "2000", converter = OptionValues.Millis.class,
            description = "Revert: longest wait for any lock before the attempt is retried (default 2000)")
    long lockTimeoutMillis;
    @Option(names = "--quiet-wait-ms", defaultValue = "60000", converter = OptionValues.WaitMillis.class,
            description = "Revert: how long to wait for a moment when no app transaction has held a view for 100 ms"
                    + " or more before asking for the locks anyway, in ms, 0 to 3600000 (default 60000)")
    long quietWaitMillis;
    @Mixin
    JsonOption json;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        PrintWriter err = spec.commandLine().getErr();
        MigrationProgress progress = line -> {
            err.println("release: " + line);
            err.flush();
        };
        try (HikariDataSource pool = connection.pool("release", 6)) {
            try (Connection c = pool.getConnection()) {
                KnownApps.require(c, app, connection.jdbcUrl);
            }
            ReleaseControl control = new ReleaseControl(pool).progress(progress)
                    .lockTimeout(Duration.ofMillis(lockTimeoutMillis)).quietWait(Duration.ofMillis(quietWaitMillis));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("app", app);
            out.put("action", action.name());
            switch (action) {
                case status -> {
                    var status = control.status(app);
                    out.put("release", status.map(ReleaseCommand::toMap).orElse(null));
                    if (!json.requested()) {
                        print(status.orElse(null));
                        return 0;
                    }
                }
                case pause -> control.pause(app);
                case resume -> control.resume(app);
                case abort -> control.abort(app);
                case finish -> control.finish(app);
                case revert -> {
                    SwitchTime held = control.revert(app);
                    out.put("switch_ms", held.viewsMillis());
                    out.put("pause_ms", held.applierMillis());
                }
            }
            if (json.requested()) {
                json.print(out);
            } else {
                spec.commandLine().getOut().printf("Release of %s: %s done%n", app, action);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    static Map<String, Object> toMap(ReleaseControl.Status status) {
        ReleaseState r = status.release();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", r.phase().sql());
        m.put("paused", r.paused());
        m.put("release_dir", r.releaseDir());
        m.put("migrations", r.migrations());
        m.put("tables", r.tables());
        m.put("build_schema", r.buildSchema());
        m.put("previous_schema", r.previousSchema());
        m.put("copied_rows", r.copiedRows());
        m.put("copy_total_rows", r.copyTotalRows());
        m.put("track_state", r.state().sql());
        m.put("track_applied_rows", r.appliedRows());
        m.put("track_behind_rows", status.behind());
        m.put("driven_by", status.drivenBy());
        m.put("halted_reason", r.haltedReason());
        m.put("started_at", r.startedAt());
        m.put("switched_at", r.switchedAt());
        return m;
    }

    private void print(ReleaseControl.Status status) {
        PrintWriter out = spec.commandLine().getOut();
        if (status == null) {
            out.printf("app %s has no online release in progress%n", app);
        } else {
            ReleaseState r = status.release();
            out.printf("release    %s, phase %s%s, started %s%n", r.releaseDir(), r.phase().sql(),
                    r.paused() ? " (paused)" : "", r.startedAt());
            out.printf("migrations %s%n", r.migrations());
            out.printf("tables     %s (copied %,d of ~%,d rows)%n", r.tables(), r.copiedRows(), r.copyTotalRows());
            out.printf("track      %s onto %s: %,d row(s) projected, %,d behind the live applier%n", r.state().sql(),
                    r.trackSchema(), r.appliedRows(), status.behind());
            if (r.switchedAt() != null) {
                out.printf("switched   %s; previous tables in %s until `tandem release finish`%n", r.switchedAt(),
                        r.previousSchema());
            }
            if (r.haltedReason() != null) {
                out.printf("HALTED     %s%n", r.haltedReason());
            }
            if (status.stranded()) {
                out.printf("STRANDED   no tandem migrate drives it: run the same tandem migrate --schemas %s to resume"
                        + " it, or tandem release abort --app %s%n", r.releaseDir(), app);
            } else if (status.drivenBy() != null) {
                out.printf("driven     %s%n", status.drivenBy().replaceFirst("^held ", ""));
            }
        }
        out.flush();
    }
}
