package org.dmascope.trace.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a chunk payload written by {@link ByteSink}. Every read is bounds-checked: reading
 * past the end or a bad string number throws {@link Malformed}, which the reader turns into a
 * message naming the chunk (a payload whose CRC matched but does not decode is a writer bug or a
 * file of another version, never a crash).
 */
final class ByteSource {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The payload does not decode. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The event of the chunk found bad (format 1.2 field columns), or -1 when it is the one being decoded. */
        final int event;

        Malformed(String message) {
            this(message, -1);
        }

        Malformed(String message, int event) {
            super(message, null, false, false);
            this.event = event;
        }
    }

    /** The time stamp of the event decoded last ({@link EventCodec#decode}). */
    long ts;
    /** The events scanned by {@link EventCodec#scanAll}, also when it stopped at a fault. */
    int events;

    private final byte[] buf;
    private int pos;
    private int limit;
    private String[] strings;
    private int stringCount;
    /** Whether strings are numbers into a table given up front (columnar chunks), never defined inline. */
    private final boolean table;

    ByteSource(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.strings = new String[64];
        this.table = false;
    }

    /** A source whose strings are numbers into {@code strings} (the first {@code count} of it). */
    ByteSource(byte[] buf, int offset, int length, String[] strings, int count) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.strings = strings;
        this.stringCount = count;
        this.table = true;
    }

    /** Reads {@code length} bytes from {@code offset} of the same buffer next, with the same strings. */
    void reset(int offset, int length) {
        pos = offset;
        limit = offset + length;
    }

    /** Bytes left to read. */
    int remaining() {
        return limit - pos;
    }

    boolean hasMore() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    int u8() {
        if (pos >= limit) {
            throw new Malformed("payload ends inside an event");
        }
        return buf[pos++] & 0xFF;
    }

    boolean bool() {
        int v = u8();
        if (v > 1) {
            throw new Malformed("bad boolean " + v);
        }
        return v == 1;
    }

    long uvar() {
        int p = pos;
        if (limit - p >= 8) {
            byte[] b = buf;
            if (b[p] >= 0) {
                pos = p + 1;
                return b[p];
            }
            // up to 8 bytes at once: the first byte with its top bit clear ends the number
            long word = (long) LONG_LE.get(b, p);
            long stops = ~word & 0x8080808080808080L;
            if (stops != 0) {
                int bits = Long.numberOfTrailingZeros(stops) + 1;
                long x = bits == 64 ? word : word & ((1L << bits) - 1);
                pos = p + (bits >>> 3);
                // gather the 7-bit groups: byte k's low bits move down by k
                return (x & 0x7FL) | (x & 0x7F00L) >>> 1 | (x & 0x7F0000L) >>> 2 | (x & 0x7F000000L) >>> 3
                        | (x & 0x7F00000000L) >>> 4 | (x & 0x7F0000000000L) >>> 5 | (x & 0x7F000000000000L) >>> 6
                        | (x & 0x7F00000000000000L) >>> 7;
            }
            // 9 or 10 bytes: the byte loop below
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new Malformed("payload ends inside a number");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new Malformed("number longer than 10 bytes");
    }

    long svar() {
        long v = uvar();
        return (v >>> 1) ^ -(v & 1);
    }

    int svarInt() {
        long v = svar();
        if (v != (int) v) {
            throw new Malformed("number " + v + " out of the 32-bit range");
        }
        return (int) v;
    }

    int count() {
        long n = uvar();
        if (n < 0 || n > limit - pos) {
            throw new Malformed("count " + n + " larger than the rest of the payload");
        }
        return (int) n;
    }

    /** Skips a varint. */
    void skipVar() {
        int p = pos;
        int end = Math.min(limit, p + 10);
        while (p < end) {
            if (buf[p++] >= 0) {
                pos = p;
                return;
            }
        }
        throw new Malformed(p == limit ? "payload ends inside a number" : "number longer than 10 bytes");
    }

    /**
     * Skips k varints, as k calls of {@link #skipVar()} would (the same checks, the same
     * messages), reading 8 bytes at a time: each byte with its top bit clear ends a number, so
     * the k-th such byte ends the last one. No branch depends on a number's width.
     */
    void skipVars(int k) {
        int p = pos;
        byte[] b = buf;
        int carry = 0; // bytes of the number under way before this word
        while (limit - p >= 8) {
            long stops = ~(long) LONG_LE.get(b, p) & 0x8080808080808080L;
            if (stops == 0) {
                carry += 8;
                if (carry >= 10) {
                    throw new Malformed("number longer than 10 bytes");
                }
                p += 8;
                continue;
            }
            if (carry + (Long.numberOfTrailingZeros(stops) >>> 3) >= 10) {
                throw new Malformed("number longer than 10 bytes");
            }
            int c = Long.bitCount(stops);
            if (c >= k) {
                for (int i = 1; i < k; i++) {
                    stops &= stops - 1;
                }
                pos = p + (Long.numberOfTrailingZeros(stops) >>> 3) + 1;
                return;
            }
            k -= c;
            carry = Long.numberOfLeadingZeros(stops) >>> 3;
            p += 8;
        }
        // fewer than 8 bytes left: the rest one byte at a time, from the start of the number under way
        pos = p - carry;
        for (; k > 0; k--) {
            skipVar();
        }
    }

    /** Skips a string reference, counting a string defined there so that later numbers stay right. */
    void skipStr() {
        int p = pos;
        if (p < limit && buf[p] > 0) {
            // the common case: a string used before, by a one-byte number
            if (buf[p] > stringCount) {
                throw new Malformed("string #" + (buf[p] - 1) + " not defined before");
            }
            pos = p + 1;
            return;
        }
        long ref = uvar();
        if (ref != 0) {
            if (ref < 0 || ref > stringCount) {
                throw new Malformed("string #" + Long.toUnsignedString(ref - 1) + " not defined before");
            }
            return;
        }
        int n = count();
        pos += n;
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
        }
        strings[stringCount++] = null; // defined, never read in a scan
    }

    /** Skips n bytes. */
    void skip(int n) {
        if (n > limit - pos) {
            throw new Malformed("payload ends inside an event");
        }
        pos += n;
    }

    String str() {
        long ref = uvar();
        if (table) {
            if (ref < 0 || ref >= stringCount) {
                throw new Malformed("string #" + Long.toUnsignedString(ref) + " not in the chunk's table of " + stringCount);
            }
            return strings[(int) ref];
        }
        if (ref != 0) {
            if (ref < 0 || ref > stringCount) {
                throw new Malformed("string #" + Long.toUnsignedString(ref - 1) + " not defined before");
            }
            return strings[(int) (ref - 1)];
        }
        int n = count();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        if (stringCount == strings.length) {
            strings = Arrays.copyOf(strings, stringCount * 2);
        }
        strings[stringCount++] = s;
        return s;
    }

    long[] uvars() {
        long[] a = new long[count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = uvar();
        }
        return a;
    }

    long[] svars() {
        long[] a = new long[count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = svar();
        }
        return a;
    }
}
