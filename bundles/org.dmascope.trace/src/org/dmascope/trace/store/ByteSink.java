package org.dmascope.trace.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.jdt.annotation.Nullable;

/**
 * The payload of one chunk being built: a growable little-endian byte array with LEB128
 * varints and a string table local to the chunk, so every chunk decodes on its own. In a row
 * chunk (no separate table) the first use of a string writes it, later uses write its number
 * + 1; in a columnar chunk every use writes its number and the strings go to a table of their
 * own ({@link #ByteSink(int, ByteSink)}). Not thread-safe.
 */
final class ByteSink {

    private byte[] buf;
    private int size;
    private final Map<String, Integer> strings = new HashMap<>();
    private final @Nullable ByteSink table;

    ByteSink(int capacity) {
        buf = new byte[Math.max(64, capacity)];
        table = null;
    }

    /** A sink whose strings are written by number, their bytes going to {@code table}. */
    ByteSink(int capacity, ByteSink table) {
        buf = new byte[Math.max(64, capacity)];
        this.table = table;
    }

    /** The strings numbered so far. */
    int stringCount() {
        return strings.size();
    }

    /** The strings numbered so far, by number. */
    String[] numbered() {
        String[] out = new String[strings.size()];
        for (Map.Entry<String, Integer> e : strings.entrySet()) {
            out[e.getValue()] = e.getKey();
        }
        return out;
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    /** Forgets the bytes and the string table (and empties a separate table), for the next chunk. */
    void reset() {
        size = 0;
        strings.clear();
        ByteSink t = table;
        if (t != null) {
            t.reset();
        }
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void bool(boolean v) {
        u8(v ? 1 : 0);
    }

    /** An unsigned LEB128 varint: 1 byte below 128, 10 bytes for the top bit set. */
    void uvar(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    /** A signed value, zigzag-encoded, so that small negative numbers stay short. */
    void svar(long v) {
        uvar((v << 1) ^ (v >> 63));
    }

    /**
     * A string by reference: in a row chunk 0 then its UTF-8 bytes the first time, its number + 1
     * later; with a separate table its number, always.
     */
    void str(String s) {
        if (table != null) {
            uvar(ref(s));
            return;
        }
        Integer id = strings.get(s);
        if (id != null) {
            uvar(id + 1L);
            return;
        }
        strings.put(s, strings.size());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvar(0);
        uvar(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /**
     * The number of a string in the separate table, the string (UTF-8 length, bytes) appended to
     * the table on its first use.
     */
    int ref(String s) {
        ByteSink t = table;
        if (t == null) {
            throw new IllegalStateException("a row chunk has no separate string table");
        }
        Integer id = strings.get(s);
        if (id != null) {
            return id;
        }
        int n = strings.size();
        strings.put(s, n);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.uvar(b.length);
        t.bytes(b);
        return n;
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    void uvars(long[] a) {
        uvar(a.length);
        for (long v : a) {
            uvar(v);
        }
    }

    void svars(long[] a) {
        uvar(a.length);
        for (long v : a) {
            svar(v);
        }
    }
}
