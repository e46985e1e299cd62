package org.dmascope.trace.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.TraceEvent;

/**
 * A columnar event chunk being built (format 1.1, docs/trace-store.md): the fixed-width columns
 * in arrays, the fields of every event in one field area whose strings are numbers into the
 * chunk's string table. {@link #payload()} lays them out. Not thread-safe.
 */
final class ColumnSink {

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

    ColumnSink(int capacity) {
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

    /** Adds an event as the next row of the columns. */
    void add(TraceEvent e) {
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
        ts[n] = h.ts();
        cpu[n] = h.cpu();
        pid[n] = h.pid();
        comm[n] = fields.ref(h.comm());
        EventCodec.encodeFields(e, fields);
        fieldEnd[n] = fields.size();
        kind[n] = (byte) EventCodec.code(e.type());
        n++;
    }

    /** Events in the chunk. */
    int events() {
        return n;
    }

    /** The payload's size as {@link #payload()} will lay it out. */
    long size() {
        layout();
        long size = StoreFormat.COLUMNS_HEAD + n + strings.size() + fields.size();
        for (int c = 0; c < StoreFormat.COLUMNS; c++) {
            size += (long) width[c] * n;
        }
        return size;
    }

    private final long[] base = new long[StoreFormat.COLUMNS];
    private final int[] width = new int[StoreFormat.COLUMNS];
    private final long[] min = new long[StoreFormat.COLUMNS];
    private final long[] max = new long[StoreFormat.COLUMNS];
    private int laidOut = -1;

    /** Each column's base and width from the smallest and largest of its values (kept up to date as events come). */
    private void layout() {
        if (laidOut == n) {
            return;
        }
        int from = laidOut < 0 ? 0 : laidOut;
        if (laidOut < 0) {
            java.util.Arrays.fill(min, Long.MAX_VALUE);
            java.util.Arrays.fill(max, Long.MIN_VALUE);
        }
        for (int i = from; i < n; i++) {
            see(StoreFormat.COLUMN_TS, ts[i]);
            see(StoreFormat.COLUMN_CPU, cpu[i]);
            see(StoreFormat.COLUMN_PID, pid[i]);
            see(StoreFormat.COLUMN_COMM, comm[i]);
            see(StoreFormat.COLUMN_FIELD_LENGTH, fieldEnd[i] - (i == 0 ? 0 : fieldEnd[i - 1]));
        }
        for (int c = 0; c < StoreFormat.COLUMNS; c++) {
            int full = c == StoreFormat.COLUMN_TS ? 8 : 4;
            width[c] = n == 0 ? 1 : StoreFormat.widthFor(min[c], max[c], full);
            base[c] = n == 0 || width[c] == full ? 0 : min[c];
        }
        laidOut = n;
    }

    private void see(int c, long v) {
        min[c] = Math.min(min[c], v);
        max[c] = Math.max(max[c], v);
    }

    /**
     * Lays the chunk out (counts, column descriptors, the ts, cpu, pid, comm and field-length
     * columns each in its width, kinds, string table, field area) in a buffer of this sink's,
     * valid until the next call.
     *
     * @return the buffer; the payload is its first {@link #size()} bytes
     */
    byte[] payload() {
        int size = Math.toIntExact(size());
        if (out.length < size) {
            out = new byte[Math.max(size, out.length * 2)];
        }
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n).putInt(fields.stringCount()).putInt(strings.size()).putInt(fields.size());
        for (int c = 0; c < StoreFormat.COLUMNS; c++) {
            b.putLong(base[c]).put((byte) width[c]).put(new byte[StoreFormat.COLUMN_DESCRIPTOR - 9]);
        }
        for (int c = 0; c < StoreFormat.COLUMNS; c++) {
            int w = width[c];
            long bc = base[c];
            for (int i = 0; i < n; i++) {
                long v = switch (c) {
                    case StoreFormat.COLUMN_TS -> ts[i];
                    case StoreFormat.COLUMN_CPU -> cpu[i];
                    case StoreFormat.COLUMN_PID -> pid[i];
                    case StoreFormat.COLUMN_COMM -> comm[i];
                    default -> fieldEnd[i] - (i == 0 ? 0 : fieldEnd[i - 1]);
                } - bc;
                switch (w) {
                    case 1 -> b.put((byte) v);
                    case 2 -> b.putShort((short) v);
                    case 4 -> b.putInt((int) v);
                    default -> b.putLong(v);
                }
            }
        }
        b.put(kind, 0, n);
        b.put(strings.array(), 0, strings.size());
        b.put(fields.array(), 0, fields.size());
        if (b.position() != size) {
            throw new IllegalStateException("columnar chunk laid out in " + b.position() + " bytes, not " + size);
        }
        return out;
    }

    /** Empties the chunk, string table included, for the next one. */
    void reset() {
        n = 0;
        laidOut = -1;
        fields.reset();
    }
}
