package org.dmascope.trace.store;

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
final class ColumnSink11 extends HeaderColumns {

    private final ByteSink strings;
    private final ByteSink fields;
    // Where each event's fields end in the field area (lengths while the payload is laid out).
    private int[] fieldEnd;
    private int minLength;
    private int maxLength;

    ColumnSink11(int capacity) {
        super(capacity);
        strings = new ByteSink(4096);
        fields = new ByteSink(capacity, strings);
        fieldEnd = new int[ts.length];
    }

    @Override
    void grown(int m) {
        fieldEnd = Arrays.copyOf(fieldEnd, m);
    }

    @Override
    public int kind() {
        return StoreFormat.KIND_COLUMNS;
    }

    /** Adds an event as the next row of the columns. */
    @Override
    public void add(TraceEvent e) {
        room();
        EventHeader h = e.header();
        int s = fields.ref(h.comm());
        int start = fields.size();
        EventCodec.encodeFields(e, fields);
        int length = fields.size() - start;
        fieldEnd[n] = start + length;
        if (n == 0) {
            minLength = maxLength = length;
        } else {
            minLength = Math.min(minLength, length);
            maxLength = Math.max(maxLength, length);
        }
        header(h, s, EventCodec.code(e.type()));
        n++;
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
        int perEvent = headerBytesPerEvent() + width(minLength, maxLength, 4);
        return StoreFormat.COLUMNS_HEAD + (long) perEvent * n + strings.size() + fields.size();
    }

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
        byte[] o = buffer(size);
        // field ends become lengths for their column, and ends again afterwards
        for (int i = n - 1; i > 0; i--) {
            fieldEnd[i] -= fieldEnd[i - 1];
        }
        INT.set(o, 0, n);
        INT.set(o, 4, fields.stringCount());
        INT.set(o, 8, strings.size());
        INT.set(o, 12, fields.size());
        int at = StoreFormat.COLUMNS_HEAD;
        if (n > 0) {
            at = putHeaderColumns(o, at);
            at = putInts(o, at, StoreFormat.COLUMN_FIELD_LENGTH, fieldEnd, minLength, maxLength);
        } else {
            emptyDescriptors(o, StoreFormat.COLUMNS);
        }
        for (int i = 1; i < n; i++) {
            fieldEnd[i] += fieldEnd[i - 1];
        }
        System.arraycopy(kind, 0, o, at, n);
        at += n;
        System.arraycopy(strings.array(), 0, o, at, strings.size());
        at += strings.size();
        System.arraycopy(fields.array(), 0, o, at, fields.size());
        at += fields.size();
        if (at != size) {
            throw new IllegalStateException("columnar chunk laid out in " + at + " bytes, not " + size);
        }
        return o;
    }

    /** Empties the chunk, string table included, for the next one. */
    @Override
    public void reset() {
        n = 0;
        fields.reset();
    }
}
