package org.dmascope.trace.ftrace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings for byte ranges that repeat (command names, device names, event names), so a trace of
 * millions of lines decodes each distinct name once. A direct-mapped table: a collision replaces
 * the older entry, so memory stays bounded whatever the trace holds. Not thread safe.
 */
final class StringCache {

    private static final int SIZE = 4096;
    private final byte[][] keys = new byte[SIZE][];
    private final String[] values = new String[SIZE];

    String get(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0) {
            return "";
        }
        if (len > 64) {
            return new String(b, from, len, StandardCharsets.UTF_8);
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ (h >>> 12)) & (SIZE - 1);
        byte[] k = keys[slot];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, b, from, to)) {
            return values[slot];
        }
        String s = new String(b, from, len, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOfRange(b, from, to);
        values[slot] = s;
        return s;
    }
}
