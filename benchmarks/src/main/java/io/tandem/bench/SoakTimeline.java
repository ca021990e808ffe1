package io.tandem.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What the soak saw over time: samples of the journal rows committed by the writers, the rows applied by the
 * applier and the journal's size on disk, and the figures derived from them. Counts between two samples are
 * interpolated linearly, so a window's rate does not depend on where the samples fell.
 */
final class SoakTimeline {
    /** One look: seconds since the soak started, cumulative rows written and applied, journal bytes then. */
    record Sample(double seconds, long written, long applied, long journalBytes) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(Sample s) {
        samples.add(s);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The largest journal size seen. */
    synchronized long maxJournalBytes() {
        return samples.stream().mapToLong(Sample::journalBytes).max().orElse(0);
    }

    /**
     * The largest journal size seen from {@code from} to {@code to} seconds: of the samples in between, or of the
     * first one after when none fell in between.
     */
    synchronized long maxJournalBytes(double from, double to) {
        long max = -1;
        for (Sample s : samples) {
            if (s.seconds() >= from && (s.seconds() <= to || max < 0)) {
                max = Math.max(max, s.journalBytes());
            }
        }
        return Math.max(max, 0);
    }

    /** Rows written per second from {@code from} to {@code to} seconds. */
    double writesPerSecond(double from, double to) {
        return perSecond(Sample::written, from, to);
    }

    /** Rows applied per second from {@code from} to {@code to} seconds. */
    double appliedPerSecond(double from, double to) {
        return perSecond(Sample::applied, from, to);
    }

    /** Rows written but not yet applied at {@code at} seconds. */
    double behind(double at) {
        return at(Sample::written, at) - at(Sample::applied, at);
    }

    /** The first time the writers had committed {@code rows} rows, or NaN if they never did. */
    synchronized double whenWritten(long rows) {
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.written() >= rows) {
                if (i == 0) {
                    return s.seconds();
                }
                Sample before = samples.get(i - 1);
                double f = (rows - before.written()) / (double) (s.written() - before.written());
                return before.seconds() + f * (s.seconds() - before.seconds());
            }
        }
        return Double.NaN;
    }

    private double perSecond(ToLongFunction<Sample> counter, double from, double to) {
        return (at(counter, to) - at(counter, from)) / (to - from);
    }

    /** The counter at {@code t} seconds, interpolated between the samples around it. */
    private synchronized double at(ToLongFunction<Sample> counter, double t) {
        Sample before = samples.get(0);
        for (Sample s : samples) {
            if (s.seconds() >= t) {
                if (s.seconds() == before.seconds()) {
                    return counter.applyAsLong(s);
                }
                double f = (t - before.seconds()) / (s.seconds() - before.seconds());
                return counter.applyAsLong(before) + f * (counter.applyAsLong(s) - counter.applyAsLong(before));
            }
            before = s;
        }
        return counter.applyAsLong(before);
    }
}
