package io.tandem.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Order statistics over plain arrays: no histogram library, exact values. */
final class Stats {
    private Stats() {
    }

    /** The q-quantile (0..1, nearest rank) of {@code values}; NaN when empty. */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    /** Median with the spread of the rounds: {median, min, max, rounds}. */
    static Map<String, Object> summary(List<Double> rounds) {
        double[] v = rounds.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", round(median(v)));
        m.put("min", round(min(v)));
        m.put("max", round(max(v)));
        m.put("rounds", Arrays.stream(v).map(Stats::round).boxed().toList());
        return m;
    }

    /** "median (min–max)" for the report. */
    static String spread(List<Double> rounds, String format) {
        double[] v = rounds.stream().mapToDouble(Double::doubleValue).toArray();
        return String.format(format, median(v)) + " (" + String.format(format, min(v)) + "–"
                + String.format(format, max(v)) + ")";
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.abs(v) >= 100 ? 10 : 1000;
        return Math.round(v * scale) / scale;
    }

    /** A growable array of doubles, for latencies recorded by one thread. */
    static final class Samples {
        private double[] data = new double[1024];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        void addAll(Samples other) {
            for (int i = 0; i < other.size; i++) {
                add(other.data[i]);
            }
        }

        int size() {
            return size;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
