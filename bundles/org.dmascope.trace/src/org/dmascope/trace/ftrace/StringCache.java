package org.dmascope.trace.ftrace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.eclipse.jdt.annotation.Nullable;

/**
 * Strings for byte ranges that repeat (command names, device names, event names), so a trace of
 * millions of lines decodes each distinct name once. A direct-mapped table: a collision replaces
 * the older entry, so memory stays bounded whatever the trace holds. An entry may carry a tag
 * computed once from its string (the event names' kind). Not thread safe.
 */
final class StringCache {

    private static final int SIZE = 4096;
    /** Names up to this length are cached; longer ones are decoded each time. */
    static final int MAX = 64;
    private static final long M = 0x9E3779B97F4A7C15L;

    /*
     * An entry's bytes are kept as little-endian words, the bytes after its end zero: its length
     * and first two words side by side in one table (names are mostly 16 bytes or less: one
     * cache line to compare, no pointer to follow), the other words in a long[] per entry.
     */
    private final long[] table = new long[SIZE * 4];
    private final long[][] rest = new long[SIZE][];
    private final String[] values = new String[SIZE];
    private final @Nullable Object[] tags = new Object[SIZE];
    private final @Nullable Function<String, Object> tagger;
    private @Nullable Object tag;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    StringCache() {
        this(null);
    }

    /** A cache whose entries carry {@code tagger.apply(string)}, read with {@link #tag()}. */
    StringCache(@Nullable Function<String, Object> tagger) {
        this.tagger = tagger;
    }

    /** The bytes [i, to) of b, at most 8, as a little-endian word with zeros after them; 0 when i >= to. */
    static long word(byte[] b, int i, int to) {
        int n = to - i;
        if (n >= 8) {
            return (long) LONG_LE.get(b, i);
        }
        if (n <= 0) {
            return 0;
        }
        if (b.length - i >= 8) {
            return (long) LONG_LE.get(b, i) & (-1L >>> ((8 - n) << 3));
        }
        long w = 0;
        for (int k = to - 1; k >= i; k--) {
            w = w << 8 | (b[k] & 0xFF);
        }
        return w;
    }

    /** The string of the bytes [from, to) (UTF-8); then {@link #tag()} is its tag. */
    String get(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > MAX) {
            String s = len <= 0 ? "" : new String(b, from, len, StandardCharsets.UTF_8);
            tag = tagger == null ? null : tagger.apply(s);
            return s;
        }
        long w0 = word(b, from, to);
        long w1 = word(b, from + 8, to);
        long h = ((len ^ w0) * M ^ w1) * M;
        for (int i = from + 16; i < to; i += 8) {
            h = (h ^ word(b, i, to)) * M;
        }
        int slot = (int) (h ^ (h >>> 32) ^ (h >>> 20)) & (SIZE - 1);
        long[] t = table;
        int at = slot << 2;
        if (t[at] == len && t[at + 1] == w0 && t[at + 2] == w1
                && (len <= 16 || restEquals(rest[slot], b, from + 16, to))) {
            tag = tags[slot];
            return values[slot];
        }
        String s = new String(b, from, len, StandardCharsets.UTF_8);
        t[at] = len; // 0 in a slot never filled: no entry has length 0
        t[at + 1] = w0;
        t[at + 2] = w1;
        if (len > 16) {
            long[] r = new long[(len - 16 + 7) >>> 3];
            for (int k = 0; k < r.length; k++) {
                r[k] = word(b, from + 16 + 8 * k, to);
            }
            rest[slot] = r;
        }
        values[slot] = s;
        Object g = tagger == null ? null : tagger.apply(s);
        tags[slot] = g;
        tag = g;
        return s;
    }

    private static boolean restEquals(long @Nullable [] r, byte[] b, int from, int to) {
        if (r == null) {
            return false;
        }
        for (int k = 0, i = from; i < to; k++, i += 8) {
            if (r[k] != word(b, i, to)) {
                return false;
            }
        }
        return true;
    }

    /** The tag of the string {@link #get} returned last (null without a tagger). */
    @Nullable
    Object tag() {
        return tag;
    }
}
