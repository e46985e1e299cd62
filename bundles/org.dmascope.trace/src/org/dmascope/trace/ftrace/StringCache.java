package org.dmascope.trace.ftrace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    /**
     * A hash of the bytes [from, to), 8 at a time (a byte-at-a-time polynomial is one multiply
     * per byte, in a chain): the words mixed by multiplication, then the length.
     */
    private static int slot(byte[] b, int from, int to) {
        long h = to - from;
        int i = from;
        for (; to - i >= 8; i += 8) {
            h = (h ^ (long) LONG_LE.get(b, i)) * 0x9E3779B97F4A7C15L;
        }
        if (i < to) {
            long w;
            if (b.length - i >= 8) {
                // the last 1 to 7 bytes, the bytes after them masked off
                w = (long) LONG_LE.get(b, i) & (-1L >>> ((8 - (to - i)) << 3));
            } else {
                w = 0;
                for (int k = to - 1; k >= i; k--) {
                    w = w << 8 | (b[k] & 0xFF);
                }
            }
            h = (h ^ w) * 0x9E3779B97F4A7C15L;
        }
        return (int) (h ^ (h >>> 32) ^ (h >>> 20));
    }

    String get(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0) {
            return "";
        }
        if (len > 64) {
            return new String(b, from, len, StandardCharsets.UTF_8);
        }
        int slot = slot(b, from, to) & (SIZE - 1);
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
