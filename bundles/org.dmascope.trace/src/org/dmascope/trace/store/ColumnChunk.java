package org.dmascope.trace.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.TraceEvent;
import org.eclipse.jdt.annotation.Nullable;

/**
 * The events of one chunk as columns, read into arrays that are reused from chunk to chunk (so
 * the heap follows the largest chunk, not the trace). A chunk of field columns (format 1.2)
 * fills its time, CPU, PID, command and kind columns with bulk copies from the mapped file, and
 * a kind's field columns the same way when they are first asked for ({@link #fields}); a
 * columnar chunk of 1.1 leaves its fields where they are until an event's record is asked for;
 * a row chunk (1.0) is decoded into its records and the columns are filled from them. The field
 * columns of a 1.1 or 1.0 chunk are made from its records when asked for. Not thread-safe.
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

    /** Whether the chunk is of field columns (1.2). */
    private boolean fieldColumns;
    /** Per kind code, its field columns in this chunk (1.2: read from the payload; else made from the records). */
    private final FieldColumns[] byKind = new FieldColumns[TYPES];
    /** The codes of the kinds with a section in this chunk. */
    private final int[] present = new int[TYPES];
    private int presentCount;
    /** Each event's row in its kind's columns, once {@link #rows()} made it. */
    private int[] row = new int[1024];
    private boolean rowsMade;
    private boolean sectionsChecked;
    /** A 1.1 or 1.0 chunk's field columns, made from its records on demand. */
    private @Nullable ColumnSink fromRecords;
    private boolean fromRecordsMade;

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
            row = new int[m];
        }
    }

    private void ensureScratch(int count) {
        if (b8.length < count) {
            int m = Math.max(count, b8.length * 2);
            b8 = new byte[m];
            b16 = new short[m];
            b32 = new int[m];
        }
    }

    /** Forgets the previous chunk's kinds and derived columns. */
    private void clear() {
        records = null;
        n = 0;
        rowsMade = false;
        sectionsChecked = false;
        fromRecordsMade = false;
        for (int k = 0; k < presentCount; k++) {
            FieldColumns f = byKind[present[k]];
            if (f != null) {
                f.reset();
            }
        }
        presentCount = 0;
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
        clear();
        fieldColumns = false;
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

    private static final String[] HEADER_NAMES = { "ts", "cpu", "pid", "comm" };

    /**
     * Reads a payload of field columns (format 1.2) whose checksum matched: the counts, the header
     * column descriptors and columns (bulk copies, then base + value) and the kinds, each checked
     * as in {@link #readColumns}, and the sections' heads and column descriptors, checked (kind
     * known and in increasing order, columns as many as the kind's fields need, widths, bases,
     * counts, everything adding up to the payload's length). The field columns' values are read
     * and checked when first asked for ({@link #fields}).
     *
     * @return null when the chunk is sound so far, else what is wrong
     */
    @Nullable
    String readFieldColumns(ByteBuffer w, int pos, int length, int events, long minTs, long maxTs) {
        clear();
        fieldColumns = true;
        if (length < StoreFormat.FIELDS_HEAD) {
            return "payload of field columns of " + length + " bytes is shorter than its " + StoreFormat.FIELDS_HEAD
                    + "-byte head";
        }
        ByteBuffer p = w.slice(pos, length).order(ByteOrder.LITTLE_ENDIAN);
        int count = p.getInt(0);
        int strs = p.getInt(4);
        int table = p.getInt(8);
        int sections = p.getInt(12);
        if (count != events) {
            return "holds " + count + " events but its header says " + events;
        }
        if (count < 0 || strs < 0 || table < 0 || sections < 0 || sections > TYPES) {
            return "counts (" + count + " events, " + strs + " strings in " + table + " bytes, " + sections
                    + " sections) out of range";
        }
        long at = StoreFormat.FIELDS_HEAD + (long) count;
        for (int c = 0; c < StoreFormat.HEADER_COLUMNS; c++) {
            int d = 16 + c * StoreFormat.COLUMN_DESCRIPTOR;
            base[c] = p.getLong(d);
            width[c] = p.get(d + 8);
            int full = c == StoreFormat.COLUMN_TS ? 8 : 4;
            if (!StoreFormat.baseFits(base[c], width[c], full)) {
                return "column " + HEADER_NAMES[c] + ": width " + width[c] + " with base " + base[c] + " is not a valid "
                        + "column of " + full + "-byte numbers";
            }
            at += (long) width[c] * count;
        }
        long limit = (long) length - table;
        if (at > limit) {
            return "the header columns of " + count + " events (" + at + " bytes) and the string table (" + table
                    + " bytes) do not fit in the payload's " + length + " bytes";
        }
        if (strs > table) {
            return strs + " strings cannot fit in a string table of " + table + " bytes";
        }
        int previous = -1;
        for (int k = 0; k < sections; k++) {
            if (at + StoreFormat.SECTION_HEAD > limit) {
                return "section " + k + " of " + sections + " at byte " + at + " goes past the payload's end";
            }
            int s = (int) at;
            int code = p.getInt(s);
            int m = p.getInt(s + 4);
            int columns = p.getInt(s + 8);
            if (code < 0 || code >= TYPES) {
                return "section " + k + " at byte " + s + ": unknown event code " + code;
            }
            String kind = EventCodec.BY_CODE[code].id();
            if (code <= previous) {
                return "section " + k + " at byte " + s + " (" + kind + ") does not follow the section of code " + previous
                        + " in increasing order";
            }
            previous = code;
            if (m < 1 || m > count) {
                return "section of " + kind + " at byte " + s + ": " + m + " events, not 1.." + count;
            }
            if (columns != FieldColumns.columnsOf(code)) {
                return "section of " + kind + " at byte " + s + ": " + columns + " columns, but " + kind + " has "
                        + FieldColumns.columnsOf(code);
            }
            FieldColumns f = byKind[code];
            if (f == null) {
                f = byKind[code] = new FieldColumns(code);
            }
            present[presentCount++] = code;
            f.m = m;
            at += StoreFormat.SECTION_HEAD + (long) columns * StoreFormat.COLUMN_DESCRIPTOR;
            if (at > limit) {
                return "section of " + kind + " at byte " + s + ": its column descriptors go past the payload's end";
            }
            for (int c = 0; c < columns; c++) {
                int d = s + StoreFormat.SECTION_HEAD + c * StoreFormat.COLUMN_DESCRIPTOR;
                long b = p.getLong(d);
                int wd = p.get(d + 8);
                int values = p.getInt(d + 12);
                int type = FieldColumns.typeOf(code, c);
                int full = FieldColumns.fullWidth(type);
                if (!StoreFormat.fieldBaseFits(b, wd, full)) {
                    return columnPlace(code, s, c) + ": width " + wd + " with base " + b + " is not a valid column of " + full
                            + "-byte numbers";
                }
                int counter = FieldColumns.countColumn(code, c);
                if (values < 0 || counter < 0 && values != m) {
                    return columnPlace(code, s, c) + ": " + values + " values for " + m + " events";
                }
                if (counter == c - 2 && values != f.len[c - 1]) {
                    return columnPlace(code, s, c) + ": " + values + " values for " + f.len[c - 1] + " keys";
                }
                f.width[c] = wd;
                f.bases[c] = b;
                f.len[c] = values;
                f.at[c] = (int) at;
                at += (long) wd * values;
                if (at > limit) {
                    return columnPlace(code, s, c) + ": its " + values + " values of " + wd + " bytes go past the payload's end";
                }
            }
        }
        if (at != limit) {
            return "counts (" + count + " events, " + sections + " sections, " + strs + " strings in " + table
                    + " bytes) and column widths do not add up to the payload's " + length + " bytes";
        }
        ensure(count);
        int h = StoreFormat.FIELDS_HEAD;
        // the columns read with bulk copies, then checked: each check is an OR of numbers that are
        // negative where a value is out of range, on the narrow values as stored where it can
        // (8 bytes at a time); the first bad event is found again for the message only when one failed
        int tsWidth = width[StoreFormat.COLUMN_TS];
        long tsBase = base[StoreFormat.COLUMN_TS];
        h = longs(p, h, tsWidth, tsBase, ts, count);
        long tsBad = tsBad(tsWidth, tsBase, count, minTs, maxTs);
        h = ints(p, h, width[StoreFormat.COLUMN_CPU], base[StoreFormat.COLUMN_CPU], cpu, count);
        h = ints(p, h, width[StoreFormat.COLUMN_PID], base[StoreFormat.COLUMN_PID], pid, count);
        int commWidth = width[StoreFormat.COLUMN_COMM];
        long commBase = base[StoreFormat.COLUMN_COMM];
        h = ints(p, h, commWidth, commBase, comm, count);
        long commBad = commBad(commWidth, commBase, count, strs);
        p.get(h, kinds, 0, count);
        int kindBad = kindsBad(kinds, count);
        if ((kindBad | commBad | tsBad) < 0) {
            for (int i = 0; i < count; i++) {
                if ((kinds[i] & 0xFF) >= TYPES || Integer.compareUnsigned(comm[i], strs) >= 0 || ts[i] < minTs
                        || ts[i] > maxTs) {
                    return "event " + i + " of the chunk: " + problemOf(i, 0, 0, strs, minTs, maxTs);
                }
            }
        }
        mapped = p;
        areaPos = (int) limit;
        stringCount = strs;
        tableBytes = table;
        fieldBytes = 0;
        areaRead = false;
        n = count;
        return null;
    }

    /** "section of page_fault at byte 3120, column 0 (address)", for messages. */
    private static String columnPlace(int code, int section, int c) {
        return "section of " + EventCodec.BY_CODE[code].id() + " at byte " + section + ", column " + c + " ("
                + FieldColumns.columnName(code, c) + ")";
    }

    /**
     * Each event's row in its kind's field columns, made once per chunk; in a chunk of field
     * columns, checked against the sections (each kind's events as many as its section says).
     */
    private int[] rows() {
        if (rowsMade) {
            return row;
        }
        int[] next = new int[TYPES];
        int[] r = row;
        byte[] k = kinds;
        for (int i = 0; i < n; i++) {
            r[i] = next[k[i]]++;
        }
        if (fieldColumns) {
            // first a kind with more events than its section (an event to name), then one with fewer
            for (int code = 0; code < TYPES; code++) {
                FieldColumns f = byKind[code];
                int m = f == null ? 0 : f.m;
                if (next[code] > m) {
                    int first = 0;
                    while (kinds[first] != code || row[first] < m) {
                        first++;
                    }
                    throw new ByteSource.Malformed("a " + EventCodec.BY_CODE[code].id() + " event beyond the " + m
                            + " of its kind's section", first);
                }
            }
            for (int code = 0; code < TYPES; code++) {
                FieldColumns f = byKind[code];
                int m = f == null ? 0 : f.m;
                if (next[code] < m) {
                    throw new ByteSource.Malformed("the section of " + EventCodec.BY_CODE[code].id() + " holds " + m
                            + " events but the chunk has " + next[code] + " of that kind");
                }
            }
        }
        rowsMade = true;
        return r;
    }

    /**
     * Checks that each kind's events are as many as its section says (once per chunk): the kinds
     * column counted for each kind present, 8 kinds at a time (SWAR: the bytes equal to the
     * kind's code found without a branch and counted with one bit count), and the sections'
     * events adding up to the chunk's.
     */
    private void checkSections() {
        if (sectionsChecked || rowsMade) {
            return;
        }
        byte[] k = kinds;
        long total = 0;
        for (int q = 0; q < presentCount; q++) {
            int code = present[q];
            int m = byKind[code].m;
            long splat = 0x0101_0101_0101_0101L * code;
            int seen = 0;
            int i = 0;
            for (; i + 8 <= n; i += 8) {
                long y = (long) LONG_LE.get(k, i) ^ splat; // a zero byte where the kind is code
                seen += Long.bitCount(~((y & 0x7F7F_7F7F_7F7F_7F7FL) + 0x7F7F_7F7F_7F7F_7F7FL | y | 0x7F7F_7F7F_7F7F_7F7FL));
            }
            for (; i < n; i++) {
                seen += k[i] == code ? 1 : 0;
            }
            if (seen != m) {
                rows(); // names the first event beyond its section, or the section short of events
            }
            total += m;
        }
        if (total != n) {
            rows();
        }
        sectionsChecked = true;
    }

    /** The event of the chunk that is row r of a kind. */
    private int eventOf(int code, int r) {
        int seen = 0;
        for (int i = 0; i < n; i++) {
            if (kinds[i] == code && seen++ == r) {
                return i;
            }
        }
        return -1;
    }

    /** The row of event i in its kind's field columns. */
    int row(int i) {
        Objects.checkIndex(i, n);
        if (!fieldColumns) {
            madeFromRecords();
        } else {
            checkSections();
        }
        return rows()[i];
    }

    /**
     * The field columns of a kind in this chunk (none when the chunk holds no event of the kind),
     * read from the payload and checked the first time.
     *
     * @throws ByteSource.Malformed when they do not decode, naming the first bad event in
     *                              {@link ByteSource.Malformed#event}
     */
    FieldColumns fields(int code) {
        Objects.checkIndex(code, TYPES);
        if (!fieldColumns) {
            return madeFromRecords().fieldsOf(code);
        }
        checkSections();
        FieldColumns f = byKind[code];
        if (f == null) {
            f = byKind[code] = new FieldColumns(code);
        }
        if (f.m == 0 || f.decoded) {
            return f;
        }
        readArea();
        ByteBuffer p = Objects.requireNonNull(mapped);
        int columns = f.len.length;
        for (int c = 0; c < columns; c++) {
            int values = f.len[c];
            if (f.v[c].length < values) {
                f.v[c] = new long[Math.max(values, f.v[c].length * 2)];
            }
            long[] v = f.v[c];
            int type = FieldColumns.typeOf(code, c);
            // a constant column of one value per event is read as its base, never filled
            f.constant[c] = f.width[c] == 0 && type != FieldColumns.COUNT && FieldColumns.countColumn(code, c) < 0;
            if (!f.constant[c]) {
                widen(p, f.at[c], f.width[c], f.bases[c], FieldColumns.fullWidth(type), v, values);
            }
            if (type == FieldColumns.I64 || type == FieldColumns.I32 || values == 0) {
                continue; // any value of the column's type is sound
            }
            long lo = f.bases[c];
            long hi = lo;
            if (f.width[c] > 0) {
                for (int i = 0; i < values; i++) {
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
            }
            long top = switch (type) {
                case FieldColumns.STR -> stringCount - 1L;
                case FieldColumns.BOOL -> 1;
                default -> Integer.MAX_VALUE;
            };
            long bottom = 0;
            if (lo < bottom || hi > top) {
                int bad = 0;
                while (!f.constant[c] && v[bad] >= bottom && v[bad] <= top) {
                    bad++;
                }
                long value = f.constant[c] ? f.bases[c] : v[bad];
                int counter = FieldColumns.countColumn(code, c);
                int r = counter < 0 ? bad : ownerOf(f, counter, bad);
                String what = switch (type) {
                    case FieldColumns.STR -> "string #" + value + " not in the chunk's table of " + stringCount;
                    case FieldColumns.BOOL -> "boolean " + value + " is neither 0 nor 1";
                    default -> "entry count " + value + " is negative";
                };
                throw new ByteSource.Malformed(EventCodec.BY_CODE[code].id() + " field " + FieldColumns.columnName(code, c)
                        + ": " + what, eventOf(code, r));
            }
            if (type == FieldColumns.COUNT) {
                long sum = 0;
                for (int i = 0; i < values; i++) {
                    sum += v[i];
                }
                int entries = f.len[c + 1];
                if (sum != entries) {
                    // more entries counted than held: the first event whose entries go past the end is to blame
                    int bad = -1;
                    long end = 0;
                    for (int i = 0; i < values && bad < 0; i++) {
                        end += v[i];
                        bad = end > entries ? eventOf(code, i) : -1;
                    }
                    throw new ByteSource.Malformed(EventCodec.BY_CODE[code].id() + " field "
                            + FieldColumns.columnName(code, c) + ": the events' counts add up to " + sum + " but "
                            + FieldColumns.columnName(code, c + 1) + " holds " + entries, bad);
                }
            }
        }
        f.computeStarts();
        f.strings = strings;
        f.stringCount = stringCount;
        f.decoded = true;
        return f;
    }

    /** The row whose entries include entry e of the column counted by count column c. */
    private static int ownerOf(FieldColumns f, int c, int e) {
        long end = 0;
        for (int r = 0; r < f.m; r++) {
            end += f.v[c][r];
            if (e < end) {
                return r;
            }
        }
        return f.m - 1;
    }

    /** Reads count values of a field column into v: base + the unsigned number of its width; a full-width column as is. */
    private void widen(ByteBuffer p, int at, int w, long b, int full, long[] v, int count) {
        ensureScratch(count);
        switch (w) {
            case 0 -> Arrays.fill(v, 0, count, b);
            case 1 -> {
                p.get(at, b8, 0, count);
                for (int i = 0; i < count; i++) {
                    v[i] = b + (b8[i] & 0xFFL);
                }
            }
            case 2 -> {
                p.slice(at, 2 * count).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(b16, 0, count);
                for (int i = 0; i < count; i++) {
                    v[i] = b + (b16[i] & 0xFFFFL);
                }
            }
            case 4 -> {
                p.slice(at, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(b32, 0, count);
                if (full == 4) {
                    for (int i = 0; i < count; i++) {
                        v[i] = b32[i];
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        v[i] = b + (b32[i] & 0xFFFF_FFFFL);
                    }
                }
            }
            default -> p.slice(at, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v, 0, count);
        }
    }

    /** A 1.1 or 1.0 chunk's field columns, made once from its records as the writer makes them. */
    private ColumnSink madeFromRecords() {
        ColumnSink sink = fromRecords;
        if (sink == null) {
            sink = fromRecords = new ColumnSink(1024);
        }
        if (!fromRecordsMade) {
            sink.reset();
            for (int i = 0; i < n; i++) {
                try {
                    sink.add(event(i));
                } catch (ByteSource.Malformed x) {
                    throw x.event >= 0 ? x : new ByteSource.Malformed(x.getMessage(), i);
                }
            }
            sink.finishForReading();
            fromRecordsMade = true;
        }
        return sink;
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

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Added to each byte's low 7 bits, sets its top bit when the byte is a code of no kind (TYPES or more). */
    private static final long KIND_CARRY = 0x0101_0101_0101_0101L * (128 - TYPES);

    /** Negative when a kind among the first count is TYPES or more: 8 kinds at a time (SWAR), then the rest. */
    private static int kindsBad(byte[] k, int count) {
        long acc = 0;
        int i = 0;
        for (; i + 8 <= count; i += 8) {
            long x = (long) LONG_LE.get(k, i);
            acc |= (x & 0x7F7F_7F7F_7F7F_7F7FL) + KIND_CARRY | x;
        }
        int bad = (acc & 0x8080_8080_8080_8080L) != 0 ? -1 : 0;
        for (; i < count; i++) {
            bad |= TYPES - 1 - (k[i] & 0xFF);
        }
        return bad;
    }

    /**
     * Negative when a time stamp of the column just read into {@link #ts} is outside lo..hi: for
     * the usual column of 4-byte numbers from a base inside the range, the stored numbers (still in
     * {@link #b32}) against hi - base, without a branch; else value by value (a span beyond 2^63
     * may give a false alarm, which the caller's look at each value clears).
     */
    private long tsBad(int w, long b, int count, long lo, long hi) {
        long bound = hi - b;
        if (w == 4 && b >= lo && bound >= 0) {
            if (bound >= 0xFFFF_FFFFL) {
                return 0;
            }
            long bad = 0;
            int[] raw = b32;
            for (int i = 0; i < count; i++) {
                bad |= bound - (raw[i] & 0xFFFF_FFFFL);
            }
            return bad;
        }
        long bad = 0;
        long[] t = ts;
        for (int i = 0; i < count; i++) {
            bad |= t[i] - lo | hi - t[i];
        }
        return bad;
    }

    /**
     * Negative when a command of the column just read into {@link #comm} is not a number of the
     * string table: for the usual column of 1-byte numbers, the stored bytes (still in {@link #b8})
     * 8 at a time; else value by value.
     */
    private long commBad(int w, long b, int count, int strs) {
        long bound = strs - 1L - b;
        if (w == 1 && b >= 0 && bound >= 0) {
            if (bound >= 255) {
                return 0;
            }
            if (bound <= 127) {
                long carry = 0x0101_0101_0101_0101L * (127 - bound);
                long acc = 0;
                byte[] raw = b8;
                int i = 0;
                for (; i + 8 <= count; i += 8) {
                    long x = (long) LONG_LE.get(raw, i);
                    acc |= (x & 0x7F7F_7F7F_7F7F_7F7FL) + carry | x;
                }
                long bad = (acc & 0x8080_8080_8080_8080L) != 0 ? -1 : 0;
                for (; i < count; i++) {
                    bad |= bound - (raw[i] & 0xFF);
                }
                return bad;
            }
        }
        long bad = 0;
        int[] c = comm;
        int last = strs - 1;
        for (int i = 0; i < count; i++) {
            bad |= c[i] | last - c[i];
        }
        return bad;
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
        clear();
        fieldColumns = false;
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
     * The number of event i's command in the chunk's string table.
     */
    int commNumber(int i) {
        Objects.checkIndex(i, n);
        if (!fieldColumns) {
            return madeFromRecords().commOf(i);
        }
        return comm[i];
    }

    /** String number k of the chunk's table (a 1.0 chunk: of the table made from its records). */
    String string(int k) {
        if (!fieldColumns) {
            return madeFromRecords().string(k);
        }
        readArea();
        return strings[Objects.checkIndex(k, stringCount)];
    }

    /** The strings in the chunk's table. */
    int stringCount() {
        if (!fieldColumns) {
            return madeFromRecords().stringCountForReading();
        }
        return stringCount;
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
        if (fieldColumns) {
            int row = rows()[i];
            FieldColumns f = fields(kinds[i]);
            return EventCodec.fromColumns(EventCodec.BY_CODE[kinds[i]], new EventHeader(ts[i], cpu[i], pid[i],
                    strings[comm[i]]), f, row);
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
