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
    static final int VERSION_MINOR = 0;
    static final int FILE_HEADER_SIZE = 64;

    static final int CHUNK_MAGIC = 0x4B4E4843; // "CHNK" read little-endian
    static final int CHUNK_HEADER_SIZE = 56;
    /** A chunk of events, in the order they were appended. */
    static final int KIND_EVENTS = 1;
    /** A checkpoint: the state after the events before it, written as the events that rebuild it. */
    static final int KIND_CHECKPOINT = 2;
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

    static ByteBuffer fileHeader(long createdEpochNs, int flushMillis, long checkpointEvery, int chunkBytes) {
        ByteBuffer b = ByteBuffer.allocate(FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FILE_MAGIC);
        b.putShort((short) VERSION_MAJOR);
        b.putShort((short) VERSION_MINOR);
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
