package io.tandem.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.tandem.applier.ApplierStatus;
import io.tandem.core.db.ApplierState;
import io.tandem.core.db.ReleaseState;
import io.tandem.core.storage.JournalStorage;
import io.tandem.views.ReleaseControl;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tandem status --app A}: live versions, applier state and leader, pending rows and lag, rejects, the journal's
 * size and retention (for the whole database), and the online release in progress, if any. An app with no version released in the database is an error (exit 1) naming
 * the apps there are.
 */
@Command(name = "status", description = "Show an app's live versions, applier state, lag and rejects.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--app", required = true, description = "The app, e.g. shop")
    String app;

    @Mixin
    JsonOption json;

    /**
     * The exit code when the command worked but the applier needs an operator (halted, or nobody applies), or the
     * release track halted (the release can no longer switch, or be reverted).
     */
    static final int NEEDS_ATTENTION = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (HikariDataSource pool = connection.pool("status", 1); Connection c = pool.getConnection()) {
            KnownApps.require(c, app, connection.jdbcUrl);
            ApplierStatus status = ApplierStatus.read(c, app);
            ReleaseControl.Status release = ReleaseControl.status(c, app).orElse(null);
            JournalStorage journal = JournalStorage.read(c);
            String releaseAttention = release != null && release.release().state() == ApplierState.HALTED
                    ? "the release track halted: " + release.release().haltedReason() : null;
            if (json.requested()) {
                Map<String, Object> out = toMap(status);
                if (out.get("attention") == null) {
                    out.put("attention", releaseAttention);
                }
                out.put("journal", JournalCommand.toMap(journal));
                out.put("release", release == null ? null : ReleaseCommand.toMap(release));
                json.print(out);
            } else {
                print(spec.commandLine().getOut(), status);
                spec.commandLine().getOut().println("journal    " + JournalCommand.line(journal));
                spec.commandLine().getOut().flush();
                if (release != null) {
                    ReleaseState r = release.release();
                    spec.commandLine().getOut().printf("release    %s phase %s%s: track %s, %,d row(s) behind%s"
                                    + " (tandem release status --app %s)%n", r.migrations(), r.phase().sql(),
                            r.paused() ? " (paused)" : "", r.state().sql(), release.behind(),
                            release.stranded() ? "; no tandem migrate drives it" : "", app);
                    if (releaseAttention != null) {
                        spec.commandLine().getOut().printf("ATTENTION  %s%n", releaseAttention);
                    }
                    spec.commandLine().getOut().flush();
                }
            }
            return attention(status) == null && releaseAttention == null ? 0 : NEEDS_ATTENTION;
        }
    }

    /** What an operator must do about the applier now, or null: it is halted, or rows wait and nobody applies them. */
    static String attention(ApplierStatus s) {
        if (s.state() == ApplierState.HALTED) {
            return "the applier is halted: " + s.haltedReason();
        }
        if (s.unattended()) {
            return s.pending() + " row(s) pending and no applier leads " + s.app() + ": start one (tandem applier"
                    + " --app " + s.app() + ")";
        }
        return null;
    }

    private static Map<String, Object> toMap(ApplierStatus s) {
        Map<String, Object> applier = new LinkedHashMap<>();
        applier.put("state", s.state().sql());
        applier.put("leader", s.leader());
        applier.put("leader_alive", s.leaderAlive());
        applier.put("applied_rows", s.appliedRows());
        applier.put("noop_writes", s.noopWrites());
        applier.put("applied_at", s.appliedAt());
        applier.put("halted_reason", s.haltedReason());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", s.app());
        out.put("pending", s.pending());
        out.put("lag_ms", s.lagMillis());
        out.put("rejects", s.rejects());
        out.put("unresolved_rejects", s.unresolvedRejects());
        out.put("applier", applier);
        out.put("versions", s.versions());
        out.put("attention", attention(s));
        return out;
    }

    private static void print(PrintWriter out, ApplierStatus s) {
        out.printf("app        %s%n", s.app());
        out.printf("versions   %s%n", s.versions().isEmpty() ? "none live" : "live: " + s.versions());
        out.printf("applier    %s%s%n", s.state().sql(), s.leader() == null ? "" : " (leader " + s.leader() + ")");
        out.printf("pending    %d row(s), oldest %d ms%n", s.pending(), s.lagMillis());
        out.printf("applied    %d row(s)%s%s%n", s.appliedRows(), s.appliedAt() == null ? "" : ", last at " + s.appliedAt(),
                s.noopWrites() == 0 ? "" : "; " + s.noopWrites() + " update(s)/delete(s) matched no row (see the log)");
        out.printf("rejects    %d row(s) in tandem.rejects, %d unresolved%s%n", s.rejects(), s.unresolvedRejects(),
                s.unresolvedRejects() == 0 ? "" : " (tandem journal resolve --app " + s.app() + " once dealt with)");
        if (s.haltedReason() != null) {
            out.printf("HALTED     %s%n", s.haltedReason());
        } else if (s.unattended()) {
            out.printf("ATTENTION  %s%n", attention(s));
        }
        out.flush();
    }
}
