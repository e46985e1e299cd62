package org.dmascope.trace.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of a .dmatrace file (docs/trace-store.md): a file header, then chunks, each a
 * header and a payload. All numbers little-endian; checksums are CRC-32C.
 */
final class StoreFormat {

    private StoreFormat() {
    }

    static final byte[] FILE_MAGIC = "DMATRACE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION_MAJOR = 1;
    /**
     * 2: event chunks are written as columns with their fields in columns too
     * ({@link #KIND_FIELD_COLUMNS}); a reader of 1.2 still reads the columnar chunks of 1.1
     * ({@link #KIND_COLUMNS}) and the row chunks ({@link #KIND_EVENTS}) of 1.0.
     */
    static final int VERSION_MINOR = 2;
    static final int FILE_HEADER_SIZE = 64;

    static final int CHUNK_MAGIC = 0x4B4E4843; // "CHNK" read little-endian
    static final int CHUNK_HEADER_SIZE = 56;
    /** A chunk of events, in the order they were appended. */
    static final int KIND_EVENTS = 1;
    /** A checkpoint: the state after the events before it, written as the events that rebuild it. */
    static final int KIND_CHECKPOINT = 2;
    /**
     * A chunk of events as columns (format 1.1): kind, time, CPU, PID, command and field-length
     * columns, a string table, then the fields of every event.
     */
    static final int KIND_COLUMNS = 3;
    /** The columns of numbers of a columnar chunk, in payload order, each with a descriptor. */
    static final int COLUMN_TS = 0;
    static final int COLUMN_CPU = 1;
    static final int COLUMN_PID = 2;
    static final int COLUMN_COMM = 3;
    static final int COLUMN_FIELD_LENGTH = 4;
    static final int COLUMNS = 5;
    /** A column descriptor: its base (8 bytes), its width in bytes (1), 7 zero bytes. */
    static final int COLUMN_DESCRIPTOR = 16;
    /**
     * The start of a columnar payload: events, strings, string table bytes, field bytes (4
     * each), then the column descriptors.
     */
    static final int COLUMNS_HEAD = 16 + COLUMNS * COLUMN_DESCRIPTOR;

    /**
     * Whether a column of this width may have this base: its values are the base plus an
     * unsigned number of the width, which must stay inside the column's type (an int column's
     * full width is 4, the time stamps' 8); a column of full width is stored as is, with base 0.
     */
    static boolean baseFits(long base, int width, int fullWidth) {
        if (width == fullWidth) {
            return base == 0;
        }
        if (width != 1 && width != 2 && width != 4 || width > fullWidth) {
            return false;
        }
        long top = fullWidth == 8 ? Long.MAX_VALUE : Integer.MAX_VALUE;
        long bottom = fullWidth == 8 ? Long.MIN_VALUE : Integer.MIN_VALUE;
        return base >= bottom && base <= top - ((1L << (8 * width)) - 1);
    }

    /** The narrowest width (1, 2, 4, 8) that holds values min..max from base min, else full width. */
    static int widthFor(long min, long max, int fullWidth) {
        long span = max - min; // negative when it overflows: full width
        for (int w = 1; w < fullWidth; w *= 2) {
            if (span >= 0 && span < 1L << (8 * w) && baseFits(min, w, fullWidth)) {
                return w;
            }
        }
        return fullWidth;
    }

    /**
     * A chunk of events as columns whose fields are columns too (format 1.2): time, CPU, PID and
     * command columns, kinds, then per kind present a section of field columns, then the string
     * table.
     */
    static final int KIND_FIELD_COLUMNS = 4;
    /** The header columns of a chunk of field columns: ts, cpu, pid, comm (the 1.1 columns but the field lengths). */
    static final int HEADER_COLUMNS = 4;
    /** The start of a payload of field columns: events, strings, string table bytes, sections, then 4 descriptors. */
    static final int FIELDS_HEAD = 16 + HEADER_COLUMNS * COLUMN_DESCRIPTOR;
    /** A section's head: kind code, events of the kind, columns, zero (4 bytes each). */
    static final int SECTION_HEAD = 16;

    /**
     * Whether a field column (format 1.2) of this width may have this base: as {@link #baseFits},
     * and width 0 (every value is the base) with any base of the column's type.
     */
    static boolean fieldBaseFits(long base, int width, int fullWidth) {
        if (width == 0) {
            return fullWidth == 8 || base >= Integer.MIN_VALUE && base <= Integer.MAX_VALUE;
        }
        return baseFits(base, width, fullWidth);
    }

    /** The narrowest width of a field column for values min..max: 0 when they are all one value. */
    static int fieldWidthFor(long min, long max, int fullWidth) {
        if (min == max) {
            return 0;
        }
        long span = max - min;
        if (span > 0 && span < 1L << 8 && baseFits(min, 1, fullWidth)) {
            return 1;
        }
        return widthFor(min, max, fullWidth);
    }

    /** Payloads larger than this are refused as damage (the writer never writes one). */
    static final int MAX_PAYLOAD = 64 << 20;

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static int crc(ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    static ByteBuffer fileHeader(int minor, long createdEpochNs, int flushMillis, long checkpointEvery, int chunkBytes) {
        ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FILE_MAGIC);
        b.putShort((short) VERSION_MAJOR);
        b.putShort((short) minor);
        b.putInt(FILE_HEADER_SIZE);
        b.putLong(createdEpochNs);
        b.putInt(flushMillis);
        b.putLong(checkpointEvery);
        b.putInt(chunkBytes);
        b.putInt(60, crc(b.array(), 0, 60));
        b.clear();
        return b;
    }

    /** A chunk header; the payload's checksum is computed here. */
    static ByteBuffer chunkHeader(int kind, int sequence, byte[] payload, int length, int events, long minTs, long maxTs,
            long firstOrdinal) {
        ByteBuffer b = ByteBuffer.allocate(CHUNK_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(CHUNK_MAGIC);
        b.put((byte) kind);
        b.put((byte) 0);
        b.putShort((short) 0);
        b.putInt(sequence);
        b.putInt(length);
        b.putInt(events);
        b.putInt(crc(payload, 0, length));
        b.putLong(minTs);
        b.putLong(maxTs);
        b.putLong(firstOrdinal);
        b.putInt(0);
        b.putInt(52, crc(b.array(), 0, 52));
        b.clear();
        return b;
    }
}
