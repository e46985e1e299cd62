package org.dmascope.trace.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.dmascope.trace.event.EventType;
import org.dmascope.trace.jsonl.EventSchema;

/**
 * The fields of the events of one kind in one chunk, as columns (format 1.2,
 * docs/trace-store.md): field {@code f} of the kind's {@code r}-th event (its row) is read by
 * {@code f}, its position among the kind's fields in the order of the record and of the JSON
 * Lines schema, and {@code r}; no object is made per event. A number, boolean or string is one
 * column; an array is a column of entry counts and a column of all the events' entries; a generic
 * event's fields are a column of counts and columns of keys and values. Strings are shared from
 * the chunk's string table. Obtained from {@link TraceReader.Batch#fields(EventType)}, valid until
 * the batch's next chunk. Not thread-safe.
 */
public final class FieldColumns {

    /** Column types: what a column's values are, which fixes its full width and its checks. */
    static final int I64 = 0;
    static final int I32 = 1;
    static final int BOOL = 2;
    static final int STR = 3;
    static final int COUNT = 4;

    private static final EventSchema SCHEMA = new EventSchema();
    /** Per kind code: the type of each of its columns. */
    private static final int[][] TYPES = new int[EventCodec.BY_CODE.length][];
    /** Per kind code: the first column of each field. */
    private static final int[][] FIRST = new int[EventCodec.BY_CODE.length][];
    /** Per kind code: each field's kind. */
    private static final EventSchema.Kind[][] KINDS = new EventSchema.Kind[EventCodec.BY_CODE.length][];
    /** Per kind code: each field's name. */
    private static final String[][] NAMES = new String[EventCodec.BY_CODE.length][];
    /** Per kind code and column: -1 for a column of one value per event, else the column counting its entries. */
    private static final int[][] COUNTED_BY = new int[EventCodec.BY_CODE.length][];

    static {
        for (EventType t : EventCodec.BY_CODE) {
            List<EventSchema.Field> fields = SCHEMA.of(t).fields();
            int[] types = new int[fields.size() * 3];
            int[] countedBy = new int[fields.size() * 3];
            Arrays.fill(countedBy, -1);
            int[] first = new int[fields.size()];
            EventSchema.Kind[] kinds = new EventSchema.Kind[fields.size()];
            String[] names = new String[fields.size()];
            int c = 0;
            for (int f = 0; f < fields.size(); f++) {
                kinds[f] = fields.get(f).kind();
                names[f] = fields.get(f).name();
                first[f] = c;
                switch (kinds[f]) {
                    case LONG, HEX -> types[c++] = I64;
                    case INT -> types[c++] = I32;
                    case BOOLEAN -> types[c++] = BOOL;
                    case STRING -> types[c++] = STR;
                    case HEX_ARRAY, LONG_ARRAY -> {
                        types[c++] = COUNT;
                        countedBy[c] = c - 1;
                        types[c++] = I64;
                    }
                    case INT_ARRAY -> {
                        types[c++] = COUNT;
                        countedBy[c] = c - 1;
                        types[c++] = I32;
                    }
                    case STRING_MAP -> {
                        types[c++] = COUNT;
                        countedBy[c] = c - 1;
                        types[c++] = STR;
                        countedBy[c] = c - 2;
                        types[c++] = STR;
                    }
                }
            }
            TYPES[t.ordinal()] = Arrays.copyOf(types, c);
            COUNTED_BY[t.ordinal()] = Arrays.copyOf(countedBy, c);
            FIRST[t.ordinal()] = first;
            KINDS[t.ordinal()] = kinds;
            NAMES[t.ordinal()] = names;
        }
    }

    /** The columns of a kind, by its code. */
    static int columnsOf(int code) {
        return TYPES[code].length;
    }

    /** The type of column c of a kind. */
    static int typeOf(int code, int c) {
        return TYPES[code][c];
    }

    /** The full width of a column type: 8 bytes for 64-bit numbers, 4 for the rest. */
    static int fullWidth(int type) {
        return type == I64 ? 8 : 4;
    }

    /** Column c of a kind holds one value per event, else an array's or map's entries (then: its count column). */
    static int countColumn(int code, int c) {
        return COUNTED_BY[code][c];
    }

    /** The name of column c of a kind, for messages: its field's name, and which part of it. */
    static String columnName(int code, int c) {
        int[] first = FIRST[code];
        int f = 0;
        while (f + 1 < first.length && first[f + 1] <= c) {
            f++;
        }
        String name = NAMES[code][f];
        return switch (c - first[f]) {
            case 0 -> TYPES[code][c] == COUNT ? name + " (counts)" : name;
            case 1 -> KINDS[code][f] == EventSchema.Kind.STRING_MAP ? name + " (keys)" : name + " (entries)";
            default -> name + " (values)";
        };
    }

    final int code;
    private final EventType type;
    private final int[] types;
    private final int[] first;
    private final EventSchema.Kind[] kinds;
    /** Events of the kind (rows). */
    int m;
    /** Per column, its values (per-event columns: m of them). */
    long[][] v;
    /** Per column, how many values it holds. */
    int[] len;
    /** Per count column, the position of each row's first entry in the entry columns. */
    int[][] starts;
    /** The chunk's strings (reader); the writer's columns hold string numbers only. */
    String[] strings = new String[0];
    int stringCount;

    // the reader: where each column's values start in the payload, and their base
    int[] at;
    long[] bases;
    /**
     * Per column, whether every value is its base (width 0) and {@link #v} is not filled: only a
     * column of one value per event that is not a count, read through {@link #get}.
     */
    boolean[] constant;
    /** Per constant column, whether {@link #numbers(int)} filled {@link #v} with its base. */
    private boolean[] filled;
    /** Whether the columns were read out of the payload (and checked) for this chunk. */
    boolean decoded;

    // the writer's running smallest and largest values and widths, and the bytes the columns take
    long[] min;
    long[] max;
    int[] width;
    long bytes;
    private int col;

    FieldColumns(int code) {
        this.code = code;
        this.type = EventCodec.BY_CODE[code];
        this.types = TYPES[code];
        this.first = FIRST[code];
        this.kinds = KINDS[code];
        int c = types.length;
        v = new long[c][16];
        len = new int[c];
        starts = new int[c][];
        min = new long[c];
        max = new long[c];
        width = new int[c];
        at = new int[c];
        bases = new long[c];
        constant = new boolean[c];
        filled = new boolean[c];
        reset();
    }

    /** Empties the columns for the next chunk. */
    void reset() {
        m = 0;
        decoded = false;
        bytes = 0;
        Arrays.fill(len, 0);
        Arrays.fill(min, Long.MAX_VALUE);
        Arrays.fill(max, Long.MIN_VALUE);
        Arrays.fill(width, 0);
        Arrays.fill(constant, false);
        Arrays.fill(filled, false);
    }

    /** Value r of per-event column c. */
    private long get(int c, int r) {
        Objects.checkIndex(r, m);
        return constant[c] ? bases[c] : v[c][r];
    }

    /** The kind whose fields these are. */
    public EventType type() {
        return type;
    }

    /** Events of this kind in the chunk: rows 0 to size() - 1. */
    public int size() {
        return m;
    }

    /** The kind's fields, in the order of its record (the numbers the accessors take). */
    public int fieldCount() {
        return first.length;
    }

    /** The JSON Lines name of field f. */
    public String fieldName(int f) {
        return NAMES[code][Objects.checkIndex(f, first.length)];
    }

    /** How field f is stored: a number, boolean, string, array or map. */
    public EventSchema.Kind fieldKind(int f) {
        return kinds[Objects.checkIndex(f, first.length)];
    }

    /**
     * The number of the field named so (JSON Lines name, for example {@code "dma_addr"}).
     *
     * @throws IllegalArgumentException when the kind has no such field
     */
    public int field(String name) {
        String[] names = NAMES[code];
        for (int f = 0; f < names.length; f++) {
            if (names[f].equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException(type.id() + " has no field " + name);
    }

    private int column(int f, int t1, int t2, int t3, String what) {
        return column(f, t1, t2, t3, t3, what);
    }

    private int column(int f, int t1, int t2, int t3, int t4, String what) {
        int c = first[Objects.checkIndex(f, first.length)];
        int t = types[c];
        if (t != t1 && t != t2 && t != t3 && t != t4) {
            throw new IllegalArgumentException("field " + fieldName(f) + " of " + type.id() + " is not " + what);
        }
        return c;
    }

    /**
     * Field f of row r as a number: a 64-bit number (an address is its 64 bits, as the record's
     * long), a 32-bit one widened, a boolean as 0 or 1.
     */
    public long number(int f, int r) {
        return get(column(f, I64, I32, BOOL, "a number"), r);
    }

    /**
     * Whether field f (a number, boolean or string) has one value in every row of this chunk,
     * stored once (a column of width 0): then {@code number(f, 0)} or {@code stringNumber(f, 0)}
     * is every row's value, and a caller summing or counting a whole column need not read it row
     * by row ({@link #numbers(int)} fills an array with it).
     */
    public boolean constant(int f) {
        int c = column(f, I64, I32, BOOL, STR, "a number, boolean or string");
        return constant[c] || !decoded && m > 0 && min[c] == max[c];
    }

    /**
     * Field f of every row at once: the numbers of a number or boolean field (0 or 1), or the
     * string numbers of a string field ({@link TraceReader.Batch#string(int)}), in elements 0 to
     * {@link #size()} - 1 of an array of these columns' own (it may be longer). Read it, do not
     * keep or change it: the batch's next chunk reuses it. The way to read a whole column
     * without a call per row.
     */
    public long[] numbers(int f) {
        int c = column(f, I64, I32, BOOL, STR, "a number, boolean or string");
        if (constant[c] && !filled[c]) {
            if (v[c].length < m) {
                v[c] = new long[m];
            }
            Arrays.fill(v[c], 0, m, bases[c]);
            filled[c] = true;
        }
        return v[c];
    }

    /** Field f of row r, a 32-bit number. */
    public int intValue(int f, int r) {
        return (int) get(column(f, I32, I32, I32, "a 32-bit number"), r);
    }

    /** Field f of row r, a boolean. */
    public boolean bool(int f, int r) {
        return get(column(f, BOOL, BOOL, BOOL, "a boolean"), r) != 0;
    }

    /** Field f of row r, a string (shared from the chunk's string table). */
    public String string(int f, int r) {
        return strings[(int) get(column(f, STR, STR, STR, "a string"), r)];
    }

    /** The number in the chunk's string table of field f of row r, a string. */
    public int stringNumber(int f, int r) {
        return (int) get(column(f, STR, STR, STR, "a string"), r);
    }

    /** The entries of field f of row r, an array or a generic event's map. */
    public int length(int f, int r) {
        int c = column(f, COUNT, COUNT, COUNT, "an array or map");
        return (int) v[c][Objects.checkIndex(r, m)];
    }

    /** Entry j of field f of row r, an array of numbers. */
    public long element(int f, int r, int j) {
        int c = column(f, COUNT, COUNT, COUNT, "an array");
        if (types[c + 1] == STR) {
            throw new IllegalArgumentException("field " + fieldName(f) + " of " + type.id() + " is a map, not an array");
        }
        return v[c + 1][starts[c][Objects.checkIndex(r, m)] + Objects.checkIndex(j, (int) v[c][r])];
    }

    /** Field f of row r, an array of numbers, as a new array. */
    public long[] longArray(int f, int r) {
        int c = column(f, COUNT, COUNT, COUNT, "an array");
        int s = starts[c][Objects.checkIndex(r, m)];
        return Arrays.copyOfRange(v[c + 1], s, s + (int) v[c][r]);
    }

    /** The key of entry j of field f of row r, a generic event's map (entries in their order). */
    public String key(int f, int r, int j) {
        return mapEntry(f, r, j, 1);
    }

    /** The value of entry j of field f of row r, a generic event's map. */
    public String value(int f, int r, int j) {
        return mapEntry(f, r, j, 2);
    }

    private String mapEntry(int f, int r, int j, int part) {
        int c = column(f, COUNT, COUNT, COUNT, "a map");
        if (types[c + 1] != STR) {
            throw new IllegalArgumentException("field " + fieldName(f) + " of " + type.id() + " is an array, not a map");
        }
        return strings[(int) v[c + part][starts[c][Objects.checkIndex(r, m)] + Objects.checkIndex(j, (int) v[c][r])]];
    }

    // ---- the writer: values appended column by column, in the order of the kind's fields ----

    /** Starts the next event's fields. */
    void begin() {
        col = 0;
    }

    /** Ends the event's fields. */
    void end() {
        if (col != types.length) {
            throw new IllegalStateException(type.id() + ": " + col + " columns written, not " + types.length);
        }
        m++;
    }

    /** A number, boolean (0, 1) or string number in the next column. */
    void put(long x) {
        append(col++, x);
    }

    void put(boolean b) {
        append(col++, b ? 1 : 0);
    }

    /** An array: its count, then its entries into the next column. */
    void put(long[] a) {
        append(col++, a.length);
        int c = col++;
        for (long x : a) {
            append(c, x);
        }
    }

    /** A map's count, then its keys' and values' string numbers. */
    void putMap(int[] keys, int[] values, int n) {
        append(col++, n);
        int k = col++;
        int w = col++;
        for (int i = 0; i < n; i++) {
            append(k, keys[i]);
            append(w, values[i]);
        }
    }

    private void append(int c, long x) {
        long[] a = v[c];
        int n = len[c];
        if (n == a.length) {
            a = v[c] = Arrays.copyOf(a, n * 2);
        }
        a[n] = x;
        len[c] = n + 1;
        if (x < min[c] || x > max[c]) {
            long lo = Math.min(min[c], x);
            long hi = Math.max(max[c], x);
            min[c] = lo;
            max[c] = hi;
            int w = StoreFormat.fieldWidthFor(lo, hi, fullWidth(types[c]));
            if (w != width[c]) {
                bytes += (long) (w - width[c]) * n;
                width[c] = w;
            }
        }
        bytes += width[c];
    }

    /**
     * Sets each count column's {@link #starts} (where each row's entries begin) from its counts.
     *
     * @return -1, or the first row whose entries go past the end of the entry columns
     */
    int computeStarts() {
        for (int c = 0; c < types.length; c++) {
            if (types[c] != COUNT) {
                continue;
            }
            int[] s = starts[c];
            if (s == null || s.length < m) {
                s = starts[c] = new int[Math.max(m, 16)];
            }
            long[] counts = v[c];
            long end = 0;
            int entries = len[c + 1];
            for (int r = 0; r < m; r++) {
                s[r] = (int) end;
                end += counts[r];
                if (end > entries) {
                    return r;
                }
            }
        }
        return -1;
    }

    /** The base of column c as the writer lays it out: 0 at full width, else the smallest value. */
    long base(int c) {
        return width[c] == fullWidth(types[c]) ? 0 : min[c];
    }

    /** The bytes this kind's section takes: its head, its column descriptors and its values. */
    long sectionBytes() {
        return StoreFormat.SECTION_HEAD + (long) StoreFormat.COLUMN_DESCRIPTOR * types.length + bytes;
    }
}
