package org.dmascope.trace.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.dmascope.trace.event.EventHeader;

/**
 * What the two columnar chunk layouts share (docs/trace-store.md: 1.1, chunk kind 3, in
 * {@link ColumnSink11}; 1.2, chunk kind 4, in {@link ColumnSink}): the time stamp, CPU, PID and
 * command columns and the kinds, one row per event, with the smallest and largest value of each
 * column kept on every append, and their layout after the payload's 16 bytes of counts: a
 * descriptor per column (base, width, 3 zero bytes, a count that is 0 for these columns), then
 * the columns, each as narrow as its values allow. Not thread-safe.
 */
abstract class HeaderColumns implements ChunkSink {

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    long[] ts;
    int[] cpu;
    int[] pid;
    int[] comm;
    byte[] kind;
    /** Events in the chunk: the row the next event goes to. */
    int n;
    /** The buffer the payload is laid out in. */
    byte[] out;

    long minTs;
    long maxTs;
    int minCpu;
    int maxCpu;
    int minPid;
    int maxPid;
    int maxComm;

    HeaderColumns(int capacity) {
        int events = 1024;
        ts = new long[events];
        cpu = new int[events];
        pid = new int[events];
        comm = new int[events];
        kind = new byte[events];
        out = new byte[capacity + 4096];
    }

    /** Makes room for row n when the columns are full; subclasses grow their own per-event columns too. */
    void room() {
        if (n == ts.length) {
            int m = n * 2;
            ts = Arrays.copyOf(ts, m);
            cpu = Arrays.copyOf(cpu, m);
            pid = Arrays.copyOf(pid, m);
            comm = Arrays.copyOf(comm, m);
            kind = Arrays.copyOf(kind, m);
            grown(m);
        }
    }

    /** The columns were grown to m rows. */
    void grown(int m) {
        // Nothing of the subclass's own by default.
    }

    /**
     * Puts an event's header into row n and keeps the columns' ranges (the caller then counts the
     * row); {@code s} is the number of its command in the chunk's string table.
     */
    final void header(EventHeader h, int s, int code) {
        long t = h.ts();
        int c = h.cpu();
        int p = h.pid();
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
    }

    @Override
    public int events() {
        return n;
    }

    /** The bytes per event of the header columns in their widths, and the kind's byte. */
    final int headerBytesPerEvent() {
        return 1 + width(minTs, maxTs, 8) + width(minCpu, maxCpu, 4) + width(minPid, maxPid, 4) + width(0, maxComm, 4);
    }

    /**
     * Lays out the descriptors (from offset 16) and the columns (from {@code at}) of the time
     * stamps, CPUs, PIDs and commands, for a chunk with events.
     *
     * @return the position after the columns
     */
    final int putHeaderColumns(byte[] o, int at) {
        int w = width(minTs, maxTs, 8);
        long base = w == 8 ? 0 : minTs;
        descriptor(o, 16 + StoreFormat.COLUMN_TS * StoreFormat.COLUMN_DESCRIPTOR, base, w, 0);
        int p = putLongs(o, at, ts, n, base, w);
        p = putInts(o, p, StoreFormat.COLUMN_CPU, cpu, minCpu, maxCpu);
        p = putInts(o, p, StoreFormat.COLUMN_PID, pid, minPid, maxPid);
        return putInts(o, p, StoreFormat.COLUMN_COMM, comm, 0, maxComm);
    }

    /** {@link StoreFormat#widthFor}, its common cases without a loop (called on every append). */
    static int width(long min, long max, int full) {
        long span = max - min;
        if (span >= 0) {
            int w = span < 1L << 8 ? 1 : span < 1L << 16 ? 2 : span < 1L << 32 ? 4 : 8;
            if (w < full && min <= (full == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE) - ((1L << (8 * w)) - 1)) {
                return w;
            }
        }
        return StoreFormat.widthFor(min, max, full);
    }

    /** A column descriptor at d: base, width, 3 zero bytes, the count of values (0: one per event). */
    static void descriptor(byte[] o, int d, long base, int width, int count) {
        LONG.set(o, d, base);
        o[d + 8] = (byte) width;
        o[d + 9] = 0;
        o[d + 10] = 0;
        o[d + 11] = 0;
        INT.set(o, d + 12, count);
    }

    /** Writes count values of v less base in width w (0: nothing, every value is the base) at at; returns the position after them. */
    static int putLongs(byte[] o, int at, long[] v, int count, long base, int w) {
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

    /** Writes header column {@code column} (n values of v, ranging over [min, max]) and its descriptor; returns the position after it. */
    final int putInts(byte[] o, int at, int column, int[] v, int min, int max) {
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

    /** Descriptors of width 1 and base 0 for the first {@code columns} columns of a chunk without events. */
    static void emptyDescriptors(byte[] o, int columns) {
        for (int c = 0; c < columns; c++) {
            descriptor(o, 16 + c * StoreFormat.COLUMN_DESCRIPTOR, 0, 1, 0);
        }
    }

    /** Ensures {@link #out} holds size bytes. */
    final byte[] buffer(int size) {
        if (out.length < size) {
            out = new byte[Math.max(size, out.length * 2)];
        }
        return out;
    }
}
