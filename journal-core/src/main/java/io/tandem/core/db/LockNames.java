package io.tandem.core.db;

/**
 * The names under which Tandem's processes coordinate through the database: the advisory locks that elect a leader
 * or keep a step single, and the {@code application_name} those sessions show in {@code pg_stat_activity}. Each
 * name is spelled here only, so what takes a lock and what looks for its holder always agree.
 */
public final class LockNames {
    private LockNames() {
    }

    /** The live applier's leader lock of {@code app}, also its leader session's application_name. */
    public static String applierLeader(String app) {
        return "tandem-applier:" + app;
    }

    /** The leader lock of {@code app}'s release track (an online release's projection). */
    public static String releaseLeader(String app) {
        return "tandem-release:" + app;
    }

    /**
     * The lock that keeps one {@code tandem migrate} of {@code app} at a time, also the application_name of the
     * session that announces a release holding the applier.
     */
    public static String migrate(String app) {
        return "tandem-migrate:" + app;
    }

    /**
     * The lock that keeps one journal maintenance pass (partitions ahead, retention) at a time in a database, whatever
     * app's applier runs it; also that session's application_name.
     */
    public static String journalMaintenance() {
        return "tandem-journal";
    }
}
