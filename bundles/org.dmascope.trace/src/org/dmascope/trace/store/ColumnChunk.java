package org.dmascope.trace.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The events of one chunk as columns, read into arrays that are reused from chunk to chunk (so
 * the heap follows the largest chunk, not the trace). A columnar chunk (format 1.1) fills its
 * fixed-width columns with bulk copies from the mapped file and leaves its string table and
 * fields where they are until an event's command or record is asked for; a row chunk (1.0) is
 * decoded into its records and the columns are filled from them. Not thread-safe.
 */
final class ColumnChunk {

    private static final int TYPES = EventCodec.BY_CODE.length;

    int n;
    long[] ts = new long[1024];
    int[] cpu = new int[1024];
    int[] pid = new int[1024];
    byte[] kinds = new byte[1024];
    private int[] comm = new int[1024];
    private int[] fieldEnd = new int[1024];

    /** Columnar: the mapped payload (kept by reference; a mapping stays valid while referenced). */
    private @Nullable ByteBuffer mapped;
    private int areaPos;
    private int stringCount;
    private int tableBytes;
    private int fieldBytes;
    private byte[] area = new byte[0];
    private String[] strings = new String[64];
    private boolean areaRead;
    private @Nullable ByteSource source;

    /** Rows: the chunk's records. */
    private @Nullable List<TraceEvent> records;

    private void ensure(int events) {
        if (ts.length < events) {
            int m = Math.max(events, ts.length * 2);
            b8 = new byte[m];
            b16 = new short[m];
            b32 = new int[m];
            ts = new long[m];
            cpu = new int[m];
            pid = new int[m];
            kinds = new byte[m];
            comm = new int[m];
            fieldEnd = new int[m];
        }
    }

    /**
     * Reads the columns of a columnar payload whose checksum matched: the counts, the column
     * descriptors, the five columns of numbers (bulk copies, then base + value) and the kinds,
     * each checked (kind known, field lengths adding up to the field area, command a string of
     * the table, time stamp inside the chunk header's range).
     *
     * @param w       the mapping that holds the payload
     * @param pos     where the payload starts in it
     * @param length  the payload's length
     * @param events  the events the chunk header counts
     * @param minTs   the chunk header's smallest time stamp
     * @param maxTs   the chunk header's largest time stamp
     * @return null when the columns are sound, else what is wrong
     */
    @Nullable
    String readColumns(ByteBuffer w, int pos, int length, int events, long minTs, long maxTs) {
        records = null;
        n = 0;
        if (length < StoreFormat.COLUMNS_HEAD) {
            return "columnar payload of " + length + " bytes is shorter than its " + StoreFormat.COLUMNS_HEAD
                    + "-byte head";
        }
        ByteBuffer p = w.slice(pos, length).order(ByteOrder.LITTLE_ENDIAN);
        int count = p.getInt(0);
        int strs = p.getInt(4);
        int table = p.getInt(8);
        int fields = p.getInt(12);
        if (count != events) {
            return "holds " + count + " events but its header says " + events;
        }
        long size = StoreFormat.COLUMNS_HEAD + (long) count + table + fields;
        for (int c = 0; c < StoreFormat.COLUMNS; c++) {
            int at = 16 + c * StoreFormat.COLUMN_DESCRIPTOR;
            base[c] = p.getLong(at);
            width[c] = p.get(at + 8);
            int full = c == StoreFormat.COLUMN_TS ? 8 : 4;
            if (!StoreFormat.baseFits(base[c], width[c], full)) {
                return "column " + COLUMN_NAMES[c] + ": width " + width[c] + " with base " + base[c] + " is not a valid "
                        + "column of " + full + "-byte numbers";
            }
            size += (long) width[c] * count;
        }
        if (count < 0 || strs < 0 || table < 0 || fields < 0 || size != length) {
            return "counts (" + count + " events, " + strs + " strings in " + table + " bytes, " + fields
                    + " bytes of fields) and column widths do not add up to the payload's " + length + " bytes";
        }
        if (strs > table) {
            return strs + " strings cannot fit in a string table of " + table + " bytes";
        }
        ensure(count);
        int at = StoreFormat.COLUMNS_HEAD;
        at = longs(p, at, width[StoreFormat.COLUMN_TS], base[StoreFormat.COLUMN_TS], ts, count);
        at = ints(p, at, width[StoreFormat.COLUMN_CPU], base[StoreFormat.COLUMN_CPU], cpu, count);
        at = ints(p, at, width[StoreFormat.COLUMN_PID], base[StoreFormat.COLUMN_PID], pid, count);
        at = ints(p, at, width[StoreFormat.COLUMN_COMM], base[StoreFormat.COLUMN_COMM], comm, count);
        at = ints(p, at, width[StoreFormat.COLUMN_FIELD_LENGTH], base[StoreFormat.COLUMN_FIELD_LENGTH], fieldEnd, count);
        p.get(at, kinds, 0, count);
        at += count;
        // the checks as reductions without branches (which the JIT can vectorize), then the
        // first bad event found again for the message only when one failed
        int kindMax = 0;
        int commMin = 0;
        int commMax = 0;
        int lenMin = 0;
        long tsMin = count == 0 ? minTs : ts[0];
        long tsMax = tsMin;
        long sum = 0;
        for (int i = 0; i < count; i++) {
            kindMax = Math.max(kindMax, kinds[i] & 0xFF);
            commMin = Math.min(commMin, comm[i]);
            commMax = Math.max(commMax, comm[i]);
            lenMin = Math.min(lenMin, fieldEnd[i]);
            tsMin = Math.min(tsMin, ts[i]);
            tsMax = Math.max(tsMax, ts[i]);
        }
        boolean sound = kindMax < TYPES && commMin >= 0 && (count == 0 || commMax < strs) && lenMin >= 0 && tsMin >= minTs
                && tsMax <= maxTs;
        if (!sound) {
            int end = 0;
            for (int i = 0; i < count; i++) {
                int len = fieldEnd[i];
                long t = ts[i];
                if ((kinds[i] & 0xFF) >= TYPES || len < 0 || len > fields - end
                        || Integer.compareUnsigned(comm[i], strs) >= 0 || t < minTs || t > maxTs) {
                    return "event " + i + " of the chunk: " + problemOf(i, end, fields, strs, minTs, maxTs);
                }
                end += len;
            }
        }
        int end = 0;
        for (int i = 0; i < count; i++) {
            sum += fieldEnd[i];
            end += fieldEnd[i];
            fieldEnd[i] = end;
        }
        if (sum != fields) {
            return "the events' fields end at " + sum + " but the field area has " + fields + " bytes";
        }
        mapped = p;
        areaPos = at;
        stringCount = strs;
        tableBytes = table;
        fieldBytes = fields;
        areaRead = false;
        n = count;
        return null;
    }

    private static final String[] COLUMN_NAMES = { "ts", "cpu", "pid", "comm", "field length" };
    private final long[] base = new long[StoreFormat.COLUMNS];
    private final int[] width = new int[StoreFormat.COLUMNS];
    private byte[] b8 = new byte[1024];
    private short[] b16 = new short[1024];
    private int[] b32 = new int[1024];

    /** Reads a column of n longs of width w from p at at into dst; returns the position after it. */
    private int longs(ByteBuffer p, int at, int w, long b, long[] dst, int count) {
        switch (w) {
            case 1 -> {
                p.get(at, b8, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = b + (b8[i] & 0xFFL);
                }
            }
            case 2 -> {
                p.slice(at, 2 * count).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(b16, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = b + (b16[i] & 0xFFFFL);
                }
            }
            case 4 -> {
                p.slice(at, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(b32, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = b + (b32[i] & 0xFFFF_FFFFL);
                }
            }
            default -> p.slice(at, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, 0, count);
        }
        return at + w * count;
    }

    /** Reads a column of n ints of width w from p at at into dst; returns the position after it. */
    private int ints(ByteBuffer p, int at, int w, long b, int[] dst, int count) {
        int bi = (int) b;
        switch (w) {
            case 1 -> {
                p.get(at, b8, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = bi + (b8[i] & 0xFF);
                }
            }
            case 2 -> {
                p.slice(at, 2 * count).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(b16, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[i] = bi + (b16[i] & 0xFFFF);
                }
            }
            default -> p.slice(at, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(dst, 0, count);
        }
        return at + w * count;
    }

    private String problemOf(int i, int end, int fields, int strs, long minTs, long maxTs) {
        if ((kinds[i] & 0xFF) >= TYPES) {
            return "unknown event code " + (kinds[i] & 0xFF);
        }
        if (Integer.compareUnsigned(comm[i], strs) >= 0) {
            return "command string #" + Integer.toUnsignedString(comm[i]) + " not in the chunk's table of " + strs;
        }
        if (ts[i] < minTs || ts[i] > maxTs) {
            return "time stamp " + ts[i] + " outside the chunk header's range " + minTs + ".." + maxTs;
        }
        return "its fields' length " + fieldEnd[i] + " does not fit in the " + (fields - end)
                + " bytes left in the field area";
    }

    /** Fills the columns from a row chunk's records. */
    void fromRecords(List<TraceEvent> events) {
        records = events;
        mapped = null;
        int count = events.size();
        ensure(count);
        for (int i = 0; i < count; i++) {
            TraceEvent e = events.get(i);
            EventHeader h = e.header();
            ts[i] = h.ts();
            cpu[i] = h.cpu();
            pid[i] = h.pid();
            kinds[i] = (byte) EventCodec.code(e.type());
        }
        n = count;
    }

    EventType type(int i) {
        return EventCodec.BY_CODE[kinds[Objects.checkIndex(i, n)]];
    }

    /**
     * The command of event i.
     *
     * @throws ByteSource.Malformed when the string table does not decode
     */
    String comm(int i) {
        Objects.checkIndex(i, n);
        List<TraceEvent> r = records;
        if (r != null) {
            return r.get(i).header().comm();
        }
        readArea();
        return strings[comm[i]];
    }

    /**
     * The record of event i, made now.
     *
     * @throws ByteSource.Malformed when its fields (or the string table) do not decode
     * @throws RuntimeException     what a record's constructor throws for values it refuses
     */
    TraceEvent event(int i) {
        Objects.checkIndex(i, n);
        List<TraceEvent> r = records;
        if (r != null) {
            return r.get(i);
        }
        ByteSource in = readArea();
        int start = i == 0 ? 0 : fieldEnd[i - 1];
        in.reset(tableBytes + start, fieldEnd[i] - start);
        EventType type = EventCodec.BY_CODE[kinds[i]];
        TraceEvent e = EventCodec.decodeFields(type, new EventHeader(ts[i], cpu[i], pid[i], strings[comm[i]]), in);
        if (in.hasMore()) {
            throw new ByteSource.Malformed("the fields of a " + type.id() + " event end " + in.remaining()
                    + " bytes before its field end");
        }
        return e;
    }

    /** Copies the string table and the field area out of the mapping and decodes the table, once per chunk. */
    private ByteSource readArea() {
        ByteSource in = source;
        if (areaRead && in != null) {
            return in;
        }
        ByteBuffer p = Objects.requireNonNull(mapped);
        int size = tableBytes + fieldBytes;
        if (area.length < size) {
            area = new byte[Math.max(size, area.length * 2)];
        }
        p.get(areaPos, area, 0, size);
        if (strings.length < stringCount) {
            strings = new String[Math.max(stringCount, strings.length * 2)];
        }
        ByteSource t = new ByteSource(area, 0, tableBytes);
        for (int k = 0; k < stringCount; k++) {
            int len = t.count();
            int at = t.position();
            t.skip(len);
            strings[k] = new String(area, at, len, StandardCharsets.UTF_8);
        }
        if (t.hasMore()) {
            throw new ByteSource.Malformed("the string table's " + stringCount + " strings end " + t.remaining()
                    + " bytes before its end");
        }
        in = new ByteSource(area, tableBytes, fieldBytes, strings, stringCount);
        source = in;
        areaRead = true;
        return in;
    }
}
