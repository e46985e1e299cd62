package org.dmascope.trace.store;

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
final class ColumnSink extends HeaderColumns {

    private static final int TYPES = EventCodec.BY_CODE.length;

    /** The string table (UTF-8 length and bytes of each string), filled through {@link #refs}. */
    private final ByteSink table;
    /** Numbers strings into {@link #table}; writes no bytes of its own. */
    private final ByteSink refs;
    private final FieldColumns[] kinds = new FieldColumns[TYPES];
    private int[] keys = new int[16];
    private int[] values = new int[16];

    /** The sections' bytes (heads, descriptors, values) of the kinds present. */
    private long sectionBytes;
    private int sections;

    ColumnSink(int capacity) {
        super(capacity);
        table = new ByteSink(4096);
        refs = new ByteSink(64, table);
    }

    @Override
    public int kind() {
        return StoreFormat.KIND_FIELD_COLUMNS;
    }

    @Override
    public void add(TraceEvent e) {
        room();
        EventHeader h = e.header();
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
        header(h, s, code);
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
        return head + (long) headerBytesPerEvent() * n;
    }

    /**
     * Lays the chunk out: counts, the header column descriptors, the ts, cpu, pid and comm
     * columns, the kinds, the sections of the kinds present in the order of their codes (head,
     * column descriptors, columns), then the string table.
     */
    @Override
    public byte[] payload() {
        int size = Math.toIntExact(size());
        byte[] o = buffer(size);
        INT.set(o, 0, n);
        INT.set(o, 4, refs.stringCount());
        INT.set(o, 8, table.size());
        INT.set(o, 12, sections);
        int at = StoreFormat.FIELDS_HEAD;
        if (n > 0) {
            at = putHeaderColumns(o, at);
        } else {
            emptyDescriptors(o, StoreFormat.HEADER_COLUMNS);
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
