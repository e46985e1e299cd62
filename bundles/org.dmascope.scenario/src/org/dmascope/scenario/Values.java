package org.dmascope.scenario;

import java.util.Locale;

/**
 * The numbers of the scenario format: sizes ({@code 4096}, {@code 4K}, {@code 2M}, {@code 1G},
 * {@code 3p} for pages of 4 KiB, {@code 0x1000}), counts, and addresses relative to a named
 * mapping ({@code buf}, {@code buf+2p}, {@code buf+1M-1p}), and durations of simulated time
 * ({@code 200ms}, {@code 1.5s}).
 */
public final class Values {

    /** The base page size of the simulated machine. */
    public static final long PAGE_SIZE = 4096;

    private Values() {
    }

    /** A size in bytes, or an error naming the word. */
    public static long size(Step step, String word) throws ScenarioException {
        Long v = parseSize(word);
        if (v == null) {
            throw step.error(step.kind() + ": '" + word + "' is not a size (like 4096, 4K, 2M, 1G, 3p or 0x1000)");
        }
        return v;
    }

    /** A non-negative count, or an error naming the word. */
    public static long count(Step step, String word) throws ScenarioException {
        Long v = parseSize(word);
        if (v == null || word.matches(".*[KMGkmgp]$")) {
            throw step.error(step.kind() + ": '" + word + "' is not a count");
        }
        return v;
    }

    /** A size, or null when the word is not one. */
    public static Long parseSize(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        long mult = 1;
        if (w.isEmpty()) {
            return null;
        }
        char last = w.charAt(w.length() - 1);
        if (!w.startsWith("0x")) {
            switch (last) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 'p' -> mult = PAGE_SIZE;
                default -> mult = 1;
            }
            if (mult != 1) {
                w = w.substring(0, w.length() - 1);
            }
        }
        try {
            long v = w.startsWith("0x") ? Long.parseUnsignedLong(w.substring(2), 16) : Long.parseLong(w);
            if (v < 0) {
                return null;
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** The longest duration a scenario may name: one hour of simulated time. */
    public static final long MAX_DURATION_NS = 3_600_000_000_000L;

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern
            .compile("([0-9]{1,13})(?:\\.([0-9]{1,9}))?(ns|us|ms|s)");

    /** A duration in nanoseconds ({@code 200ms}, {@code 1.5s}, {@code 50us}, {@code 10ns}), or an error naming the word. */
    public static long duration(Step step, String word) throws ScenarioException {
        Long v = parseDuration(word);
        if (v == null) {
            throw step.error(step.kind() + ": '" + word + "' is not a duration (like 200ms, 1.5s, 50us or 10ns, at most 1 hour)");
        }
        return v;
    }

    /** A duration in nanoseconds, or null when the word is not one (or is longer than an hour). */
    public static Long parseDuration(String word) {
        java.util.regex.Matcher m = DURATION.matcher(word);
        if (!m.matches()) {
            return null;
        }
        long unit = switch (m.group(3)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        java.math.BigDecimal value = new java.math.BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)))
                .multiply(java.math.BigDecimal.valueOf(unit));
        if (value.compareTo(java.math.BigDecimal.valueOf(MAX_DURATION_NS)) > 0 || value.stripTrailingZeros().scale() > 0) {
            return null;
        }
        return value.longValueExact();
    }

    /** A duration as the outcomes print it: {@code 200ms}, {@code 1.5s}, {@code 1us}, {@code 0s}. */
    public static String formatDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        long[] units = {1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"s", "ms", "us", "ns"};
        for (int i = 0; i < units.length; i++) {
            if (nanos >= units[i]) {
                return java.math.BigDecimal.valueOf(nanos).divide(java.math.BigDecimal.valueOf(units[i]))
                        .stripTrailingZeros().toPlainString() + names[i];
            }
        }
        return nanos + "ns";
    }

    /** Whether a word is an address expression's syntax (a name or a number, with +/- sizes). */
    public static boolean isAddressSyntax(String word) {
        return word.matches("([A-Za-z_][A-Za-z0-9_.]*|0x[0-9a-fA-F]+)([+-](0x[0-9a-fA-F]+|[0-9]+[KMGkmgp]?))*");
    }

    /**
     * An address: a name the resolver knows or a hex number, plus or minus sizes.
     *
     * @param names resolves a mapping's name to its start, null when unknown
     */
    public static long address(Step step, String word, java.util.function.Function<String, Long> names)
            throws ScenarioException {
        if (!isAddressSyntax(word)) {
            throw step.error(step.kind() + ": '" + word + "' is not an address (NAME, NAME+OFFSET or 0xHEX)");
        }
        int i = 0;
        while (i < word.length() && word.charAt(i) != '+' && word.charAt(i) != '-') {
            i++;
        }
        String base = word.substring(0, i);
        long value;
        if (base.startsWith("0x")) {
            value = Long.parseUnsignedLong(base.substring(2), 16);
        } else {
            Long v = names.apply(base);
            if (v == null) {
                throw step.error(step.kind() + ": no mapping named '" + base + "'");
            }
            value = v;
        }
        while (i < word.length()) {
            char sign = word.charAt(i);
            int j = i + 1;
            while (j < word.length() && word.charAt(j) != '+' && word.charAt(j) != '-') {
                j++;
            }
            long off = size(step, word.substring(i + 1, j));
            value = sign == '+' ? value + off : value - off;
            i = j;
        }
        return value;
    }

    /** A size as the format writes it: "4K", "2M", "12288". */
    public static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "G";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "M";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "K";
        }
        return Long.toString(bytes);
    }
}
