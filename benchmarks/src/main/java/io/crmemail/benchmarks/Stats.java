package io.crmemail.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians of repeated runs and percentiles of latency samples. */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The p-th percentile (0..100) of the samples, nearest rank. Sorts the array. */
    static long percentile(long[] samples, int count, double p) {
        if (count == 0) {
            return 0;
        }
        Arrays.sort(samples, 0, count);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return samples[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    static String fmt(double v) {
        // Small figures (statements per message) need their decimals; rates and µs do not.
        return String.format(Locale.ROOT, Math.abs(v) < 100 ? "%,.2f" : "%,.0f", v);
    }

    static String list(List<Double> values) {
        return values.stream().map(Stats::fmt).reduce((a, b) -> a + ", " + b).orElse("");
    }
}
