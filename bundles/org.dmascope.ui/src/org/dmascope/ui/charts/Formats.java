package org.dmascope.ui.charts;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;

import org.dmascope.ui.trace.TimeFormat;

/** Axis labels as people in this field read them: durations, bytes, page sizes, rates. */
final class Formats {

    private Formats() {
    }

    /** Formats by a function of the value; never parses (axes only format). */
    private abstract static class OutputOnly extends NumberFormat {
        private static final long serialVersionUID = 1L;

        abstract String text(double value);

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            return toAppendTo.append(text(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return toAppendTo.append(text(number));
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            // an axis label is never read back
            parsePosition.setErrorIndex(parsePosition.getIndex());
            return Double.NaN;
        }
    }

    /** A time offset in ns as a duration in the unit of the tick step ("250 ms", "20 us"). */
    static NumberFormat duration(long stepNs) {
        return new OutputOnly() {
            private static final long serialVersionUID = 1L;

            @Override
            String text(double value) {
                return TimeFormat.duration(Math.round(value), stepNs);
            }
        };
    }

    /** Bytes in binary units: "0", "512 B", "4 KiB", "1.5 MiB". */
    static NumberFormat bytes() {
        return new OutputOnly() {
            private static final long serialVersionUID = 1L;

            @Override
            String text(double value) {
                return bytes(value);
            }
        };
    }

    /** A count per second with an SI prefix: "0", "250 /s", "2.5 k/s", "20 M/s". */
    static NumberFormat rate() {
        return new OutputOnly() {
            private static final long serialVersionUID = 1L;

            @Override
            String text(double value) {
                String[] prefixes = {"", " k", " M", " G"};
                double v = Math.abs(value);
                int p = 0;
                while (v >= 1000 && p < prefixes.length - 1) {
                    v /= 1000;
                    p++;
                }
                if (value == 0) {
                    return "0";
                }
                String number = number(v);
                return (value < 0 ? "-" : "") + number + (p == 0 ? " /s" : prefixes[p] + "/s");
            }
        };
    }

    /** A byte count in binary units, exact when it is a whole number of the unit. */
    static String bytes(double value) {
        if (value == 0) {
            return "0";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = Math.abs(value);
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String number = number(v);
        return (value < 0 ? "-" : "") + number + " " + units[u];
    }

    /** Up to three significant digits, no trailing zeros: "4", "1.5", "2.25", "1000". */
    private static String number(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.indexOf('.') >= 0 && s.indexOf('e') < 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
