package org.dmascope.trace.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;

/**
 * A chunk of events being built in format 1.2 (chunk kind 4, docs/trace-store.md): the time,
 * CPU, PID and command columns and the kinds, and per kind present its fields as columns
 * ({@link FieldColumns}), every column of the chunk in the narrowest width its values allow, and
 * strings as numbers into the chunk's string table. The size the payload will have is kept up to
 * date on every append (a column that widens adds its earlier values' bytes), so the writer's
 * check per append is cheap. {@link #payload()} lays the chunk out. Not thread-safe.
 */
final class ColumnSink implements ChunkSink {

    private static final int TYPES = EventCodec.BY_CODE.length;

    /** The string table (UTF-8 length and bytes of each string), filled through {@link #refs}. */
    private final ByteSink table;
    /** Numbers strings into {@link #table}; writes no bytes of its own. */
    private final ByteSink refs;
    private final FieldColumns[] kinds = new FieldColumns[TYPES];
    private long[] ts;
    private int[] cpu;
    private int[] pid;
    private int[] comm;
    private byte[] kind;
    private int n;
    private byte[] out;
    private int[] keys = new int[16];
    private int[] values = new int[16];

    /** The sections' bytes (heads, descriptors, values) of the kinds present. */
    private long sectionBytes;
    private int sections;

    private long minTs;
    private long maxTs;
    private int minCpu;
    private int maxCpu;
    private int minPid;
    private int maxPid;
    private int maxComm;

    ColumnSink(int capacity) {
        table = new ByteSink(4096);
        refs = new ByteSink(64, table);
        int events = 1024;
        ts = new long[events];
        cpu = new int[events];
        pid = new int[events];
        comm = new int[events];
        kind = new byte[events];
        out = new byte[capacity + 4096];
    }

    @Override
    public int kind() {
        return StoreFormat.KIND_FIELD_COLUMNS;
    }

    @Override
    public void add(TraceEvent e) {
        if (n == ts.length) {
            int m = n * 2;
            ts = Arrays.copyOf(ts, m);
            cpu = Arrays.copyOf(cpu, m);
            pid = Arrays.copyOf(pid, m);
            comm = Arrays.copyOf(comm, m);
            kind = Arrays.copyOf(kind, m);
        }
        EventHeader h = e.header();
        long t = h.ts();
        int c = h.cpu();
        int p = h.pid();
        int s = refs.ref(h.comm());
        int code = EventCodec.code(e.type());
        FieldColumns f = kinds[code];
        if (f == null) {
            f = kinds[code] = new FieldColumns(code);
        }
        long before = f.m == 0 ? 0 : f.sectionBytes();
        if (f.m == 0) {
            sections++;
        }
        f.begin();
        EventCodec.toColumns(e, f, this);
        f.end();
        sectionBytes += f.sectionBytes() - before;
        ts[n] = t;
        cpu[n] = c;
        pid[n] = p;
        comm[n] = s;
        kind[n] = (byte) code;
        if (n == 0) {
            minTs = maxTs = t;
            minCpu = maxCpu = c;
            minPid = maxPid = p;
            maxComm = s;
        } else {
            minTs = Math.min(minTs, t);
            maxTs = Math.max(maxTs, t);
            minCpu = Math.min(minCpu, c);
            maxCpu = Math.max(maxCpu, c);
            minPid = Math.min(minPid, p);
            maxPid = Math.max(maxPid, p);
            maxComm = Math.max(maxComm, s);
        }
        n++;
    }

    /** The number of a string in the chunk's table (added on its first use). */
    int ref(String s) {
        return refs.ref(s);
    }

    /** Numbers a generic event's keys and values and puts them as its map's columns. */
    void putMap(FieldColumns f, Map<String, String> map) {
        int k = map.size();
        if (keys.length < k) {
            keys = new int[Math.max(k, keys.length * 2)];
            values = new int[keys.length];
        }
        int i = 0;
        for (Map.Entry<String, String> x : map.entrySet()) {
            keys[i] = refs.ref(x.getKey());
            values[i] = refs.ref(x.getValue());
            i++;
        }
        f.putMap(keys, values, k);
    }

    @Override
    public int events() {
        return n;
    }

    /** Every header column at its full width. */
    @Override
    public long maxSize() {
        return StoreFormat.FIELDS_HEAD + sectionBytes + table.size() + (8 + 3 * 4 + 1L) * n;
    }

    @Override
    public long size() {
        long head = StoreFormat.FIELDS_HEAD + sectionBytes + table.size();
        if (n == 0) {
            return head;
        }
        int perEvent = 1 + width(minTs, maxTs, 8) + width(minCpu, maxCpu, 4) + width(minPid, maxPid, 4) + width(0, maxComm, 4);
        return head + (long) perEvent * n;
    }

    /** {@link StoreFormat#widthFor}, its common cases without a loop (called on every append). */
    private static int width(long min, long max, int full) {
        long span = max - min;
        if (span >= 0) {
            int w = span < 1L << 8 ? 1 : span < 1L << 16 ? 2 : span < 1L << 32 ? 4 : 8;
            if (w < full && min <= (full == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE) - ((1L << (8 * w)) - 1)) {
                return w;
            }
        }
        return StoreFormat.widthFor(min, max, full);
    }

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Lays the chunk out: counts, the header column descriptors, the ts, cpu, pid and comm
     * columns, the kinds, the sections of the kinds present in the order of their codes (head,
     * column descriptors, columns), then the string table.
     */
    @Override
    public byte[] payload() {
        int size = Math.toIntExact(size());
        if (out.length < size) {
            out = new byte[Math.max(size, out.length * 2)];
        }
        byte[] o = out;
        INT.set(o, 0, n);
        INT.set(o, 4, refs.stringCount());
        INT.set(o, 8, table.size());
        INT.set(o, 12, sections);
        int at = StoreFormat.FIELDS_HEAD;
        if (n > 0) {
            int w = width(minTs, maxTs, 8);
            long base = w == 8 ? 0 : minTs;
            descriptor(o, 16, base, w, 0);
            at = putLongs(o, at, ts, n, base, w);
            at = putInts(o, at, 1, cpu, minCpu, maxCpu);
            at = putInts(o, at, 2, pid, minPid, maxPid);
            at = putInts(o, at, 3, comm, 0, maxComm);
        } else {
            for (int c = 0; c < StoreFormat.HEADER_COLUMNS; c++) {
                descriptor(o, 16 + c * StoreFormat.COLUMN_DESCRIPTOR, 0, 1, 0);
            }
        }
        System.arraycopy(kind, 0, o, at, n);
        at += n;
        for (int code = 0; code < TYPES; code++) {
            FieldColumns f = kinds[code];
            if (f == null || f.m == 0) {
                continue;
            }
            int columns = f.len.length;
            INT.set(o, at, code);
            INT.set(o, at + 4, f.m);
            INT.set(o, at + 8, columns);
            INT.set(o, at + 12, 0);
            at += StoreFormat.SECTION_HEAD;
            int d = at;
            at += columns * StoreFormat.COLUMN_DESCRIPTOR;
            for (int c = 0; c < columns; c++) {
                long base = f.len[c] == 0 ? 0 : f.base(c);
                int w = f.width[c];
                descriptor(o, d + c * StoreFormat.COLUMN_DESCRIPTOR, base, w, f.len[c]);
                at = putLongs(o, at, f.v[c], f.len[c], base, w);
            }
        }
        System.arraycopy(table.array(), 0, o, at, table.size());
        at += table.size();
        if (at != size) {
            throw new IllegalStateException("chunk of field columns laid out in " + at + " bytes, not " + size);
        }
        return o;
    }

    /** A column descriptor: base, width, 3 zero bytes, values (0 for the header columns, whose count is n). */
    private static void descriptor(byte[] o, int d, long base, int width, int count) {
        LONG.set(o, d, base);
        o[d + 8] = (byte) width;
        o[d + 9] = 0;
        o[d + 10] = 0;
        o[d + 11] = 0;
        INT.set(o, d + 12, count);
    }

    /** Writes count values of v less base in width w at at; returns the position after them. */
    private static int putLongs(byte[] o, int at, long[] v, int count, long base, int w) {
        switch (w) {
            case 0 -> {
                // every value is the base
            }
            case 1 -> {
                for (int i = 0; i < count; i++) {
                    o[at + i] = (byte) (v[i] - base);
                }
            }
            case 2 -> {
                for (int i = 0; i < count; i++) {
                    SHORT.set(o, at + 2 * i, (short) (v[i] - base));
                }
            }
            case 4 -> {
                for (int i = 0; i < count; i++) {
                    INT.set(o, at + 4 * i, (int) (v[i] - base));
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    LONG.set(o, at + 8 * i, v[i] - base);
                }
            }
        }
        return at + w * count;
    }

    private int putInts(byte[] o, int at, int column, int[] v, int min, int max) {
        int w = width(min, max, 4);
        int base = w == 4 ? 0 : min;
        descriptor(o, 16 + column * StoreFormat.COLUMN_DESCRIPTOR, base, w, 0);
        switch (w) {
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    o[at + i] = (byte) (v[i] - base);
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    SHORT.set(o, at + 2 * i, (short) (v[i] - base));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    INT.set(o, at + 4 * i, v[i]);
                }
            }
        }
        return at + w * n;
    }

    private String[] numbered = new String[0];

    /** The number of event i's command, after {@link #finishForReading()}. */
    int commOf(int i) {
        return comm[Objects.checkIndex(i, n)];
    }

    /** String k of the table, after {@link #finishForReading()}. */
    String string(int k) {
        return numbered[Objects.checkIndex(k, numbered.length)];
    }

    /** The strings of the table, after {@link #finishForReading()}. */
    int stringCountForReading() {
        return numbered.length;
    }

    /** The columns of a kind (none when the chunk holds no event of it), after {@link #finishForReading()}. */
    FieldColumns fieldsOf(int code) {
        FieldColumns f = kinds[code];
        if (f == null) {
            f = kinds[code] = new FieldColumns(code);
        }
        return f;
    }

    /** Makes the columns readable through {@link FieldColumns}' accessors: entry starts and the strings. */
    void finishForReading() {
        String[] strings = refs.numbered();
        numbered = strings;
        for (FieldColumns f : kinds) {
            if (f != null && f.m > 0) {
                f.computeStarts();
                f.strings = strings;
                f.stringCount = strings.length;
            }
        }
    }

    @Override
    public void reset() {
        n = 0;
        sections = 0;
        sectionBytes = 0;
        refs.reset();
        for (FieldColumns f : kinds) {
            if (f != null && f.m > 0) {
                f.reset();
            }
        }
    }
}
