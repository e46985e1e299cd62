package org.dmascope.core.memory;

import java.util.Locale;

/** Byte counts and addresses as people write them: "0x7f00...", "4096", "8M", "2GiB". */
public final class Sizes {

    private Sizes() {
    }

    /**
     * Parses hexadecimal (0x...), decimal, or decimal with K, M, G, T (KiB, MiB, GiB, TiB;
     * "KiB" and "k" alike). Underscores are ignored.
     *
     * @throws IllegalArgumentException when the text is none of these, or overflows 64 bits
     */
    public static long parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT).replace("_", "");
        if (t.startsWith("0x")) {
            try {
                return Long.parseUnsignedLong(t.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + text);
            }
        }
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            shift = switch (t.charAt(t.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            if (shift > 0) {
                t = t.substring(0, t.length() - 1).strip();
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0 || v > Long.MAX_VALUE >>> shift) {
                throw new IllegalArgumentException("out of range: " + text);
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + text);
        }
    }

    /** "4 KiB", "2 MiB", "1 GiB", or bytes when not a whole number of a larger unit. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        long v = bytes;
        int u = 0;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + " " + units[u];
    }
}
