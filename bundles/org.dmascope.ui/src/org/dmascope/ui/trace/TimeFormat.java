package org.dmascope.ui.trace;

import java.util.Locale;

/** Durations and time stamps as people read them: s, ms, us or ns. */
public final class TimeFormat {

    private TimeFormat() {
    }

    /** A 1, 2, 5 step in nanoseconds at least as large as the given one. */
    public static long niceStep(double minNs) {
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (step * m >= minNs) {
                    return step * m;
                }
            }
            if (step > Long.MAX_VALUE / 100) {
                return step;
            }
            step *= 10;
        }
    }

    /**
     * A duration in the unit that suits the step it is a multiple of: "1.5 s", "250 ms",
     * "20 us", "7 ns".
     */
    public static String duration(long ns, long step) {
        String sign = ns < 0 ? "-" : "";
        long a = Math.abs(ns);
        if (step >= 1_000_000_000L || a >= 1_000_000_000L && step >= 100_000_000L) {
            return sign + trim(a / 1e9, step / 1e9) + " s";
        }
        if (step >= 1_000_000L) {
            return sign + trim(a / 1e6, step / 1e6) + " ms";
        }
        if (step >= 1_000L) {
            return sign + trim(a / 1e3, step / 1e3) + " us";
        }
        return sign + a + " ns";
    }

    /** A duration with the unit picked from its own size: "1.250 s", "3.000 ms", "17 ns". */
    public static String duration(long ns) {
        long a = Math.abs(ns);
        String sign = ns < 0 ? "-" : "";
        if (a >= 1_000_000_000L) {
            return sign + String.format(Locale.ROOT, "%.3f s", a / 1e9);
        }
        if (a >= 1_000_000L) {
            return sign + String.format(Locale.ROOT, "%.3f ms", a / 1e6);
        }
        if (a >= 1_000L) {
            return sign + String.format(Locale.ROOT, "%.3f us", a / 1e3);
        }
        return sign + a + " ns";
    }

    // Enough decimals to show the step.
    private static String trim(double value, double step) {
        int decimals = 0;
        while (decimals < 9 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) {
            decimals++;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A time stamp as seconds with nanoseconds: "12.000345678". */
    public static String timestamp(long ns) {
        return String.format(Locale.ROOT, "%d.%09d", Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }
}
