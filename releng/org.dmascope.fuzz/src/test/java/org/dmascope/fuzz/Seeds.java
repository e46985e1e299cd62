package org.dmascope.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.dmascope.core.source.InputException;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.store.TraceWriter;

/** Helpers of the fuzz targets: files from bytes, and a valid file header to put in front. */
final class Seeds {

    private static byte[] header;

    private Seeds() {
    }

    static Path file(byte[] data) throws IOException {
        Path f = Files.createTempFile("dmascope-fuzz", ".bin");
        Files.write(f, data);
        return f;
    }

    /** A valid header (from a real file) followed by the fuzzer's bytes. */
    static synchronized byte[] withHeader(byte[] data) throws IOException {
        if (header == null) {
            Path f = Files.createTempFile("dmascope-fuzz", ".dmatrace");
            try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT)) {
                w.append(new VmaMap(new EventHeader(1, 0, 1, "x"), 0x1000, 0x2000, "rw-p", 0, ""));
                w.append(new PageFault(new EventHeader(2, 0, 1, "x"), 0x1000, 0x400000, 6, ""));
                w.append(new MrRegister(new EventHeader(3, 0, 1, "x"), "mlx5_0", 0x1000, 4096, 0x1000, "", 1, 1, ""));
            }
            header = Arrays.copyOf(Files.readAllBytes(f), 64);
            Files.delete(f);
        }
        byte[] out = Arrays.copyOf(header, 64 + data.length);
        System.arraycopy(data, 0, out, 64, data.length);
        return out;
    }

    /**
     * A chunk around a payload, with the header and checksums a writer would give it: 10 events
     * of times 0 to 1000 from ordinal 0, an event chunk or a checkpoint.
     */
    static byte[] chunk(byte[] payload, boolean checkpoint) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(56 + payload.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x4B4E4843).put((byte) (checkpoint ? 2 : 1)).put((byte) 0).putShort((short) 0).putInt(0)
                .putInt(payload.length).putInt(10).putInt(crc(payload, 0, payload.length)).putLong(0).putLong(1000)
                .putLong(0).putInt(0);
        b.putInt(52, crc(b.array(), 0, 52));
        b.position(56);
        b.put(payload);
        return b.array();
    }

    /**
     * A columnar event chunk (kind 3) around a payload, with the header and checksums a writer
     * would give it: as many events as the payload's first 4 bytes say (0 when it is shorter),
     * any time stamp allowed, from ordinal 0.
     */
    static byte[] columnarChunk(byte[] payload) {
        return columnarChunk(payload, 3);
    }

    /** A chunk of field columns (kind 4, format 1.2) around a payload, as {@link #columnarChunk(byte[])}. */
    static byte[] fieldColumnsChunk(byte[] payload) {
        return columnarChunk(payload, 4);
    }

    private static byte[] columnarChunk(byte[] payload, int kind) {
        int events = payload.length >= 4
                ? java.nio.ByteBuffer.wrap(payload).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0)
                : 0;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(56 + payload.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x4B4E4843).put((byte) kind).put((byte) 0).putShort((short) 0).putInt(0)
                .putInt(payload.length).putInt(events).putInt(crc(payload, 0, payload.length)).putLong(Long.MIN_VALUE)
                .putLong(Long.MAX_VALUE).putLong(0).putInt(0);
        b.putInt(52, crc(b.array(), 0, 52));
        b.position(56);
        b.put(payload);
        return b.array();
    }

    private static int crc(byte[] a, int off, int len) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    /** An input error (an InputException, or an IOException of a reader) must name the file it is about. */
    static void named(Exception e, Path f) {
        if (!e.getMessage().startsWith(f.toString())) {
            throw new AssertionError("the message does not name the input: " + e.getMessage());
        }
    }
}
