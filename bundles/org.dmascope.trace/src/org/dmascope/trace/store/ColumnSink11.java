package org.dmascope.trace.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;

/**
 * A columnar event chunk being built in format 1.1 (chunk kind 3, docs/trace-store.md): the
 * fixed-width columns in arrays, the fields of every event in one field area whose strings are
 * numbers into the chunk's string table. {@link #payload()} lays them out. Written only when the
 * options ask for 1.1 (for readers of 1.1); the writer writes 1.2 ({@link ColumnSink}). Not
 * thread-safe.
 */
final class ColumnSink11 implements ChunkSink {

    private final ByteSink strings;
    private final ByteSink fields;
    private long[] ts;
    private int[] cpu;
    private int[] pid;
    private int[] comm;
    private int[] fieldEnd;
    private byte[] kind;
    private int n;
    private byte[] out;

    ColumnSink11(int capacity) {
        strings = new ByteSink(4096);
        fields = new ByteSink(capacity, strings);
        int events = 1024;
        ts = new long[events];
        cpu = new int[events];
        pid = new int[events];
        comm = new int[events];
        fieldEnd = new int[events];
        kind = new byte[events];
        out = new byte[capacity + 4096];
    }

    @Override
    public int kind() {
        return StoreFormat.KIND_COLUMNS;
    }

    /** Adds an event as the next row of the columns. */
    @Override
    public void add(TraceEvent e) {
        if (n == ts.length) {
            int m = n * 2;
            ts = Arrays.copyOf(ts, m);
            cpu = Arrays.copyOf(cpu, m);
            pid = Arrays.copyOf(pid, m);
            comm = Arrays.copyOf(comm, m);
            fieldEnd = Arrays.copyOf(fieldEnd, m);
            kind = Arrays.copyOf(kind, m);
        }
        EventHeader h = e.header();
        long t = h.ts();
        int c = h.cpu();
        int p = h.pid();
        int s = fields.ref(h.comm());
        int start = fields.size();
        EventCodec.encodeFields(e, fields);
        int length = fields.size() - start;
        ts[n] = t;
        cpu[n] = c;
        pid[n] = p;
        comm[n] = s;
        fieldEnd[n] = start + length;
        kind[n] = (byte) EventCodec.code(e.type());
        if (n == 0) {
            minTs = maxTs = t;
            minCpu = maxCpu = c;
            minPid = maxPid = p;
            maxComm = s;
            minLength = maxLength = length;
        } else {
            minTs = Math.min(minTs, t);
            maxTs = Math.max(maxTs, t);
            minCpu = Math.min(minCpu, c);
            maxCpu = Math.max(maxCpu, c);
            minPid = Math.min(minPid, p);
            maxPid = Math.max(maxPid, p);
            maxComm = Math.max(maxComm, s);
            minLength = Math.min(minLength, length);
            maxLength = Math.max(maxLength, length);
        }
        n++;
    }

    private long minTs;
    private long maxTs;
    private int minCpu;
    private int maxCpu;
    private int minPid;
    private int maxPid;
    private int maxComm;
    private int minLength;
    private int maxLength;

    /** Events in the chunk. */
    @Override
    public int events() {
        return n;
    }

    /** An upper bound of {@link #size()}: every column at its full width (cheaper, for the check on each append). */
    @Override
    public long maxSize() {
        return StoreFormat.COLUMNS_HEAD + (8 + 4 * 4 + 1L) * n + strings.size() + fields.size();
    }

    /** The payload's size as {@link #payload()} will lay it out. */
    @Override
    public long size() {
        if (n == 0) {
            return StoreFormat.COLUMNS_HEAD + strings.size() + fields.size();
        }
        int perEvent = 1 + width(minTs, maxTs, 8) + width(minCpu, maxCpu, 4) + width(minPid, maxPid, 4) + width(0, maxComm, 4)
                + width(minLength, maxLength, 4);
        return StoreFormat.COLUMNS_HEAD + (long) perEvent * n + strings.size() + fields.size();
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
     * Lays the chunk out (counts, column descriptors, the ts, cpu, pid, comm and field-length
     * columns each in its width, kinds, string table, field area) in a buffer of this sink's,
     * valid until the next call.
     *
     * @return the buffer; the payload is its first {@link #size()} bytes
     */
    @Override
    public byte[] payload() {
        int size = Math.toIntExact(size());
        if (out.length < size) {
            out = new byte[Math.max(size, out.length * 2)];
        }
        // field ends become lengths for their column, and ends again afterwards
        for (int i = n - 1; i > 0; i--) {
            fieldEnd[i] -= fieldEnd[i - 1];
        }
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n).putInt(fields.stringCount()).putInt(strings.size()).putInt(fields.size());
        int at = StoreFormat.COLUMNS_HEAD;
        if (n > 0) {
            at = putLongs(b, at, ts, minTs, maxTs);
            at = putInts(b, at, StoreFormat.COLUMN_CPU, cpu, minCpu, maxCpu);
            at = putInts(b, at, StoreFormat.COLUMN_PID, pid, minPid, maxPid);
            at = putInts(b, at, StoreFormat.COLUMN_COMM, comm, 0, maxComm);
            at = putInts(b, at, StoreFormat.COLUMN_FIELD_LENGTH, fieldEnd, minLength, maxLength);
        } else {
            for (int c = 0; c < StoreFormat.COLUMNS; c++) {
                descriptor(b, c, 0, 1);
            }
        }
        for (int i = 1; i < n; i++) {
            fieldEnd[i] += fieldEnd[i - 1];
        }
        System.arraycopy(kind, 0, out, at, n);
        at += n;
        System.arraycopy(strings.array(), 0, out, at, strings.size());
        at += strings.size();
        System.arraycopy(fields.array(), 0, out, at, fields.size());
        at += fields.size();
        if (at != size) {
            throw new IllegalStateException("columnar chunk laid out in " + at + " bytes, not " + size);
        }
        return out;
    }

    private static void descriptor(ByteBuffer b, int column, long base, int width) {
        int d = 16 + column * StoreFormat.COLUMN_DESCRIPTOR;
        b.putLong(d, base);
        b.put(d + 8, (byte) width);
        for (int k = 9; k < StoreFormat.COLUMN_DESCRIPTOR; k++) {
            b.put(d + k, (byte) 0);
        }
    }

    private int putLongs(ByteBuffer b, int at, long[] v, long min, long max) {
        int w = width(min, max, 8);
        long base = w == 8 ? 0 : min;
        descriptor(b, StoreFormat.COLUMN_TS, base, w);
        byte[] o = out;
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
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    INT.set(o, at + 4 * i, (int) (v[i] - base));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    LONG.set(o, at + 8 * i, v[i]);
                }
            }
        }
        return at + w * n;
    }

    private int putInts(ByteBuffer b, int at, int column, int[] v, int min, int max) {
        int w = width(min, max, 4);
        int base = w == 4 ? 0 : min;
        descriptor(b, column, base, w);
        byte[] o = out;
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

    /** Empties the chunk, string table included, for the next one. */
    @Override
    public void reset() {
        n = 0;
        fields.reset();
    }
}
