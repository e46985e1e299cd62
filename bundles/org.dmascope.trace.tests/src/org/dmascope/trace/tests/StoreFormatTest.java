package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of the store as docs/trace-store.md describes them, so that the format cannot
 * change without the document (and the major version) changing too.
 */
class StoreFormatTest {

    @TempDir
    Path dir;

    @Test
    void eventCodesAreThePositionsOfTheKindsAndNeverMove() {
        List<String> codes = List.of("vma_map", "vma_unmap", "vma_protect", "page_fault", "pin", "unpin", "migrate",
                "hmm_range_fault", "mr_register", "mr_deregister", "dma_map_page", "dma_unmap_page", "dma_map_sg",
                "dma_unmap_sg", "dma_alloc", "dma_free", "iommu_map", "iommu_unmap", "iommu_fault", "iommu_attach_device",
                "iommu_detach_device", "iommu_add_device_to_group", "iommu_remove_device_from_group",
                "notifier_invalidate_begin", "notifier_invalidate_end", "gpudirect_get_pages", "gpudirect_put_pages",
                "gpudirect_free_callback", "dmabuf_move_notify", "p2p_transfer", "topology_snapshot", "topology_change",
                "process_start", "process_exit", "generic");
        assertEquals(codes, Arrays.stream(EventType.values()).map(EventType::id).toList(),
                "a new kind goes at the end of EventType: the codes of stored files must not move");
    }

    @Test
    void aTwoEventFileHasTheDocumentedBytes() throws Exception {
        Path f = dir.resolve("two.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT)) {
            w.append(new VmaUnmap(new EventHeader(300, 1, -1, "ab"), 0x1000, 0x2000));
            w.append(new ProcessExit(new EventHeader(70_000, 3, 4242, "cd"), 0));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("DMATRACE", new String(b.array(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(8), "major version");
        assertEquals(1, b.getShort(10), "minor version: 1 since event chunks are columns");
        assertEquals(64, b.getInt(12));
        assertEquals(1000, b.getInt(24), "flush interval in ms");
        assertEquals(100_000, b.getLong(28), "checkpoint interval (the default)");
        assertEquals(256 << 10, b.getInt(36), "chunk size");
        // the chunk
        assertEquals("CHNK", new String(b.array(), 64, 4, StandardCharsets.US_ASCII));
        assertEquals(3, b.get(68), "kind: events as columns");
        assertEquals(0, b.getInt(72), "sequence");
        assertEquals(2, b.getInt(80), "events");
        assertEquals(300, b.getLong(88));
        assertEquals(70_000, b.getLong(96));
        assertEquals(0, b.getLong(104), "first ordinal");
        byte[] payload = Arrays.copyOfRange(b.array(), 120, b.capacity());
        ByteBuffer e = ByteBuffer.allocate(127).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(2).putInt(2).putInt(6).putInt(5); // events, strings, string table bytes, field bytes
        // column descriptors (base, width, 7 zero bytes): each column as narrow as its values allow
        e.putLong(300).put((byte) 4).put(new byte[7]); // ts: 300 + 0 and 300 + 69700 need 4 bytes
        e.putLong(1).put((byte) 1).put(new byte[7]); // cpu 1, 3
        e.putLong(-1).put((byte) 2).put(new byte[7]); // pid -1, 4242: a span of 4243
        e.putLong(0).put((byte) 1).put(new byte[7]); // comm: strings #0 and #1
        e.putLong(1).put((byte) 1).put(new byte[7]); // field lengths 4 and 1
        e.putInt(0).putInt(69_700); // ts - 300
        e.put((byte) 0).put((byte) 2); // cpu - 1
        e.putShort((short) 0).putShort((short) 4243); // pid + 1
        e.put((byte) 0).put((byte) 1); // comm
        e.put((byte) 3).put((byte) 0); // field lengths - 1
        e.put((byte) 1).put((byte) 33); // kinds: vma_unmap, process_exit
        e.put(new byte[] { 2, 'a', 'b', 2, 'c', 'd' }); // the string table: UTF-8 length, bytes
        e.put(new byte[] { (byte) 0x80, 0x20, (byte) 0x80, 0x40 }); // vma_unmap: start 0x1000, end 0x2000
        e.put((byte) 0); // process_exit: exit code 0, zigzag
        assertEquals(127, e.position());
        assertArrayEquals(e.array(), payload);
        assertEquals(b.capacity() - 120, b.getInt(76), "payload length");
        CRC32C crc = new CRC32C();
        crc.update(payload);
        assertEquals((int) crc.getValue(), b.getInt(84), "payload checksum");
    }

    @Test
    void aVersionOneZeroFileKeepsItsRowChunks() throws Exception {
        // written by the 1.0 writer (data/README.md): the reader of 1.1 reads it as it was
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(V1_0)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getShort(8));
        assertEquals(0, b.getShort(10), "minor version 0");
        assertEquals(1, b.get(68), "kind: events as rows");
        // the first event: vma_map, ts 1700000000123456789 from 0, cpu 3, pid 4242, "ib_write_bw" new string #0
        byte[] first = Arrays.copyOfRange(b.array(), 120, 120 + 19);
        byte[] expected = { 0, (byte) 0xaa, (byte) 0xb4, (byte) 0xae, (byte) 0xd8, (byte) 0xc7, (byte) 0xbf, (byte) 0xce,
            (byte) 0x97, 0x2f, 6, (byte) 0xa4, 0x42, 0, 11, 'i', 'b', '_', 'w' };
        assertArrayEquals(expected, first);
    }

    static final Path V1_0 = Path.of("data/v1.0-one-of-each-x6.dmatrace");
}
