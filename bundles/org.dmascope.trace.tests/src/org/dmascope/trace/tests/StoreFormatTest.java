package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
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
    void oneEventFileHasTheDocumentedBytes() throws Exception {
        Path f = dir.resolve("one.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT)) {
            w.append(new VmaUnmap(new EventHeader(300, 1, -1, "ab"), 0x1000, 0x2000));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("DMATRACE", new String(b.array(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(8));
        assertEquals(0, b.getShort(10));
        assertEquals(64, b.getInt(12));
        assertEquals(1000, b.getInt(24), "flush interval in ms");
        assertEquals(100_000, b.getLong(28), "checkpoint interval (the default)");
        assertEquals(256 << 10, b.getInt(36), "chunk size");
        // the chunk
        assertEquals("CHNK", new String(b.array(), 64, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.get(68), "kind: events");
        assertEquals(0, b.getInt(72), "sequence");
        assertEquals(1, b.getInt(80), "events");
        assertEquals(300, b.getLong(88));
        assertEquals(300, b.getLong(96));
        assertEquals(0, b.getLong(104), "first ordinal");
        byte[] payload = Arrays.copyOfRange(b.array(), 120, b.capacity());
        byte[] expected = {
            1, // vma_unmap
            (byte) 0xd8, 0x04, // ts 300 - 0, zigzag 600 = 0x258 -> d8 04
            2, // cpu 1 zigzag
            1, // pid -1 zigzag
            0, 2, 'a', 'b', // "ab", new string #0
            (byte) 0x80, 0x20, // start 0x1000
            (byte) 0x80, 0x40 // end 0x2000
        };
        assertArrayEquals(expected, payload);
        assertEquals(b.capacity() - 120, b.getInt(76), "payload length");
    }
}
