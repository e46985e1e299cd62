package org.dmascope.trace.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a chunk payload written by {@link ByteSink}. Every read is bounds-checked: reading
 * past the end or a bad string number throws {@link Malformed}, which the reader turns into a
 * message naming the chunk (a payload whose CRC matched but does not decode is a writer bug or a
 * file of another version, never a crash).
 */
final class ByteSource {

    /** The payload does not decode. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] buf;
    private int pos;
    private final int limit;
    private String[] strings = new String[64];
    private int stringCount;

    ByteSource(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
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
        if (limit - p >= 10) {
            // fast path: a whole varint fits, so no bounds check per byte
            byte[] b = buf;
            long v = b[p++];
            if (v >= 0) {
                pos = p;
                return v;
            }
            long result = v & 0x7F;
            for (int shift = 7; shift < 70; shift += 7) {
                v = b[p++];
                result |= (v & 0x7F) << shift;
                if (v >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw new Malformed("number longer than 10 bytes");
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

    String str() {
        long ref = uvar();
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
