package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.EventType;
import org.dmascope.trace.event.GenericEvent;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.Unpin;
import org.dmascope.trace.event.VmaUnmap;
import org.dmascope.trace.store.ChunkInfo;
import org.dmascope.trace.store.FieldColumns;
import org.dmascope.trace.store.TraceReader;
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

    /** The file header of a file written with the default options, in format 1.minor. */
    private static void assertFileHeader(ByteBuffer b, int minor, String why) {
        assertEquals("DMATRACE", new String(b.array(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(8), "major version");
        assertEquals(minor, b.getShort(10), why);
        assertEquals(64, b.getInt(12));
        assertEquals(1000, b.getInt(24), "flush interval in ms");
        assertEquals(100_000, b.getLong(28), "checkpoint interval (the default)");
        assertEquals(256 << 10, b.getInt(36), "chunk size");
    }

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
            w.append(new VmaUnmap(new EventHeader(70_001, 3, 4242, "cd"), 0x1000, 0x3000));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertFileHeader(b, 2, "minor version: 2 since the fields are columns too");
        // the chunk
        assertEquals("CHNK", new String(b.array(), 64, 4, StandardCharsets.US_ASCII));
        assertEquals(4, b.get(68), "kind: events as field columns");
        assertEquals(0, b.getInt(72), "sequence");
        assertEquals(3, b.getInt(80), "events");
        assertEquals(300, b.getLong(88));
        assertEquals(70_001, b.getLong(96));
        assertEquals(0, b.getLong(104), "first ordinal");
        byte[] payload = Arrays.copyOfRange(b.array(), 120, b.capacity());
        ByteBuffer e = ByteBuffer.allocate(197).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(3).putInt(2).putInt(6).putInt(2); // events, strings, string table bytes, sections
        // header column descriptors (base, width, 7 zero bytes): each as narrow as its values allow
        e.putLong(300).put((byte) 4).put(new byte[7]); // ts: 300 + 0, 69700, 69701 need 4 bytes
        e.putLong(1).put((byte) 1).put(new byte[7]); // cpu 1, 3, 3
        e.putLong(-1).put((byte) 2).put(new byte[7]); // pid -1, 4242: a span of 4243
        e.putLong(0).put((byte) 1).put(new byte[7]); // comm: strings #0 and #1
        e.putInt(0).putInt(69_700).putInt(69_701); // ts - 300
        e.put((byte) 0).put((byte) 2).put((byte) 2); // cpu - 1
        e.putShort((short) 0).putShort((short) 4243).putShort((short) 4243); // pid + 1
        e.put((byte) 0).put((byte) 1).put((byte) 1); // comm
        e.put((byte) 1).put((byte) 33).put((byte) 1); // kinds: vma_unmap, process_exit, vma_unmap
        // the section of vma_unmap (code 1): 2 events, 2 columns; descriptors: base, width, 3 zero bytes, values
        e.putInt(1).putInt(2).putInt(2).putInt(0);
        e.putLong(0x1000).put((byte) 0).put(new byte[3]).putInt(2); // start: 0x1000 both times, width 0
        e.putLong(0x2000).put((byte) 2).put(new byte[3]).putInt(2); // end: 0x2000 + 0 and + 0x1000
        e.putShort((short) 0).putShort((short) 0x1000);
        // the section of process_exit (code 33): 1 event, 1 column
        e.putInt(33).putInt(1).putInt(1).putInt(0);
        e.putLong(0).put((byte) 0).put(new byte[3]).putInt(1); // exit code 0
        e.put(new byte[] { 2, 'a', 'b', 2, 'c', 'd' }); // the string table: UTF-8 length, bytes
        assertEquals(197, e.position());
        assertArrayEquals(e.array(), payload);
        assertEquals(b.capacity() - 120, b.getInt(76), "payload length");
        CRC32C crc = new CRC32C();
        crc.update(payload);
        assertEquals((int) crc.getValue(), b.getInt(84), "payload checksum");
    }

    @Test
    void aTwoEventFileOfVersionOneOneHasTheDocumentedBytes() throws Exception {
        // the writer still writes 1.1 when asked (for readers of 1.1)
        Path f = dir.resolve("two-1.1.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(f, TraceWriter.Options.DEFAULT.withFormatMinor(1))) {
            w.append(new VmaUnmap(new EventHeader(300, 1, -1, "ab"), 0x1000, 0x2000));
            w.append(new ProcessExit(new EventHeader(70_000, 3, 4242, "cd"), 0));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertFileHeader(b, 1, "minor version 1: event chunks as columns, fields as varints");
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

    /**
     * Page faults with a few unpins, scatter lists, generic events and IOMMU maps among them:
     * columns of every type (numbers, strings, booleans, arrays, a map), one event every 10 ns.
     */
    static List<TraceEvent> mixed(int n) {
        List<TraceEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EventHeader h = new EventHeader(1000 + 10L * i, i % 4, 7, "worker");
            long page = 0x7f00_0000_0000L + 4096L * i;
            out.add(switch (i % 10) {
                case 6 -> new Unpin(h, page, 1 + i % 5, i % 4 == 2);
                case 7 -> new DmaMapSg(h, "0000:3b:00.0", 2, 1 + i % 2, false, Arrays.copyOf(new long[] { page, page + 4096 }, i % 3),
                        new long[] { 0xfee0_0000L + i }, new long[] { 4096 + i }, "TO_DEVICE", "");
                case 8 -> {
                    Map<String, String> fields = new LinkedHashMap<>();
                    fields.put("prev_pid", Integer.toString(i));
                    fields.put("next_pid", Integer.toString(i + 1));
                    yield new GenericEvent(h, "sched", "sched_switch", fields);
                }
                case 9 -> new IommuMap(h, 0xffff_0000L + 4096L * i, 0x1_0000_0000L + 4096L * i, 4096);
                default -> new PageFault(h, page, 0x5555_0000L + i, 6, i % 3 == 0 ? "MAJOR" : "");
            });
        }
        return out;
    }

    /** Where a column of a chunk of field columns is: its descriptor, its values, their width and count. */
    record Column(int section, int descriptor, int values, int width, int count) {
    }

    /**
     * A chunk of field columns read as docs/trace-store.md lays it out: the kinds column's place,
     * and each field column by "kind.column" (and each section by its kind's id).
     */
    static Map<String, Column> layout(byte[] bytes, int p) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt(p);
        int sections = b.getInt(p + 12);
        int at = p + 80;
        for (int c = 0; c < 4; c++) {
            at += n * bytes[p + 16 + 16 * c + 8];
        }
        Map<String, Column> out = new LinkedHashMap<>();
        out.put("kinds", new Column(0, 0, at, 1, n));
        at += n;
        for (int k = 0; k < sections; k++) {
            int s = at;
            String kind = EventType.values()[b.getInt(s)].id();
            int columns = b.getInt(s + 8);
            out.put(kind, new Column(s, s, s, 0, b.getInt(s + 4)));
            at = s + 16 + 16 * columns;
            for (int c = 0; c < columns; c++) {
                int d = s + 16 + 16 * c;
                Column col = new Column(s, d, at, bytes[d + 8], b.getInt(d + 12));
                out.put(kind + "." + c, col);
                at += col.width() * col.count();
            }
        }
        assertEquals(p + b.getInt(p - 56 + 12), at + b.getInt(p + 8), "the sections and the string table fill the payload");
        return out;
    }

    /**
     * A chunk of field columns whose checksums match (a writer's bug, or a file of another
     * version) but whose field columns are wrong: a damaged layout (widths, bases, counts,
     * sections) is found when the chunk's columns are read, damaged values (string numbers,
     * booleans, entry counts, an event outside its kind's section) when its fields are; either way
     * the problem names the file, the chunk, its offset and (for values) the first bad event, and
     * the chunk alone is skipped.
     */
    @Test
    void aChunkOfFieldColumnsThatDoesNotDecodeIsNamedAndSkipped() throws Exception {
        List<TraceEvent> ev = mixed(2000);
        Path clean = dir.resolve("fields.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(clean,
                TraceWriter.Options.DEFAULT.withChunkBytes(4096).withCheckpointEvery(1 << 30))) {
            w.appendAll(ev);
        }
        ChunkInfo victim;
        try (TraceReader r = TraceReader.open(clean)) {
            assertTrue(r.chunks().size() > 4, r.chunks().toString());
            victim = r.chunks().get(2);
            StoreTest.assertColumnar(clean, r.chunks());
        }
        int p = (int) victim.offset() + 56;
        byte[] bytes = Files.readAllBytes(clean);
        Map<String, Column> at = layout(bytes, p);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int strings = b.getInt(p + 4);
        List<String> kindsInOrder = at.keySet().stream().filter(k -> !k.contains(".") && !k.equals("kinds")).toList();
        assertEquals(List.of("page_fault", "unpin", "dma_map_sg", "iommu_map", "generic"), kindsInOrder,
                "a section per kind present, in the order of the codes");
        assertEquals(1, at.get("page_fault.3").width(), "result: strings #n and #m, one byte each");
        assertEquals(1, at.get("unpin.2").width(), "dirty: 0 and 1");
        assertEquals(1, at.get("dma_map_sg.4").width(), "phys_addrs' counts: 0, 1 or 2");
        assertEquals(0, at.get("page_fault.2").width(), "error_code: always 6, width 0");
        record Case(String what, java.util.function.Consumer<ByteBuffer> damage, String message, int event) {
        }
        int pf = at.get("page_fault").section();
        int un = at.get("unpin").section();
        Column result = at.get("page_fault.3");
        Column dirty = at.get("unpin.2");
        Column physCounts = at.get("dma_map_sg.4");
        Column keys = at.get("generic.3");
        Column kinds = at.get("kinds");
        // the chunk's events by kind, to name the events the damage is in
        List<List<Integer>> byKind = new ArrayList<>();
        for (int k = 0; k < EventType.values().length; k++) {
            byKind.add(new ArrayList<>());
        }
        for (int i = 0; i < kinds.count(); i++) {
            byKind.get(bytes[kinds.values() + i]).add(i);
        }
        List<Integer> faults = byKind.get(EventType.PAGE_FAULT.ordinal());
        List<Integer> unpins = byKind.get(EventType.UNPIN.ordinal());
        List<Integer> sgs = byKind.get(EventType.DMA_MAP_SG.ordinal());
        List<Integer> generics = byKind.get(EventType.GENERIC.ordinal());
        // an event of page_fault made an unpin: one unpin more than its section holds, the last one
        int turned = faults.get(0);
        int lastUnpin = Math.max(turned, unpins.get(unpins.size() - 1));
        // one more entry counted for the second scatter list: the first list whose entries then end past them all
        int sumBase = 0;
        for (int r = 0; r < sgs.size(); r++) {
            sumBase += bytes[physCounts.values() + r];
        }
        int pastEnd = -1;
        for (int r = 0, end = 0; pastEnd < 0; r++) {
            end += bytes[physCounts.values() + r] + (r == 1 ? 1 : 0);
            pastEnd = end > sumBase ? sgs.get(r) : -1;
        }
        List<Case> cases = List.of(
                new Case("field width", x -> x.put(at.get("page_fault.0").descriptor() + 8, (byte) 3),
                        "section of page_fault at byte " + (pf - p) + ", column 0 (address): width 3 with base", -1),
                new Case("field base", x -> x.putLong(at.get("page_fault.2").descriptor(), 1L << 40),
                        "column 2 (error_code): width 0 with base 1099511627776 is not a valid column of 4-byte numbers", -1),
                new Case("values", x -> x.putInt(at.get("page_fault.1").descriptor() + 12, faults.size() + 1),
                        "column 1 (ip): " + (faults.size() + 1) + " values for " + faults.size() + " events", -1),
                new Case("section order", x -> x.putInt(un, EventType.PAGE_FAULT.ordinal()),
                        "section 1 at byte " + (un - p) + " (page_fault) does not follow the section of code 3 in increasing order", -1),
                new Case("section columns", x -> x.putInt(pf + 8, 5),
                        "section of page_fault at byte " + (pf - p) + ": 5 columns, but page_fault has 4", -1),
                new Case("sizes", x -> x.putInt(p + 8, x.getInt(p + 8) - 1),
                        "and column widths do not add up to the payload's", -1),
                new Case("kind", x -> x.put(kinds.values() + turned, (byte) EventType.UNPIN.ordinal()),
                        "a unpin event beyond the " + unpins.size() + " of its kind's section", lastUnpin),
                new Case("string", x -> x.put(result.values() + 2, (byte) 200),
                        "page_fault field result: string #" + (200 + b.getLong(result.descriptor())) + " not in the chunk's table of "
                                + strings, faults.get(2)),
                new Case("boolean", x -> x.put(dirty.values(), (byte) 2), "unpin field dirty: boolean 2 is neither 0 nor 1",
                        unpins.get(0)),
                new Case("entry counts", x -> x.put(physCounts.values() + 1, (byte) (x.get(physCounts.values() + 1) + 1)),
                        "dma_map_sg field phys_addrs (counts): the events' counts add up to " + (sumBase + 1)
                                + " but phys_addrs (entries) holds " + sumBase, pastEnd),
                new Case("map key", x -> x.put(keys.values() + 3, (byte) 250),
                        "generic field fields (keys): string #" + (250 + b.getLong(keys.descriptor()))
                                + " not in the chunk's table of " + strings, generics.get(1)));
        for (Case k : cases) {
            ByteBuffer x = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.LITTLE_ENDIAN);
            k.damage().accept(x);
            Path f = dir.resolve("fields-" + k.what().replace(' ', '-') + ".dmatrace");
            Files.write(f, StoreTest.resealed(x.array(), victim));
            List<TraceEvent> expected = new ArrayList<>(ev);
            expected.subList((int) victim.firstOrdinal(), (int) victim.firstOrdinal() + victim.events()).clear();
            String where = f + ": chunk 2 at offset " + victim.offset() + ": ";
            String named = k.event() < 0 ? where + "payload does not decode: "
                    : where + "event " + k.event() + " (ordinal " + (victim.firstOrdinal() + k.event()) + ") does not decode: ";
            try (TraceReader r = TraceReader.open(f)) {
                long scanned = r.scan((ordinal, type, ts, cpu, pid) -> {
                });
                assertEquals(k.event() < 0 ? expected.size() : ev.size(), scanned,
                        k.what() + ": a damaged layout loses the chunk's columns, damaged values only its fields");
                assertEquals(expected, StoreTest.readAll(r), k.what());
                List<String> problems = r.problems();
                assertEquals(1, problems.size(), k.what() + ": " + problems);
                assertTrue(problems.get(0).startsWith(named) && problems.get(0).contains(k.message()), k.what() + ": "
                        + problems.get(0) + "\n expected: " + named + "..." + k.message());
                assertFalse(r.verifyAll());
            }
            try (TraceReader r = TraceReader.open(f)) {
                TraceReader.Batch batch = r.batches();
                assertTrue(batch.next());
                assertTrue(batch.next());
                if (k.event() < 0) {
                    assertTrue(batch.next());
                    assertEquals(3, batch.chunk().sequence(), k.what() + ": the damaged chunk is skipped");
                    continue;
                }
                assertTrue(batch.next());
                assertEquals(2, batch.chunk().sequence(), k.what() + ": its columns are sound");
                EventType type = batch.type(k.event());
                IOException e = assertThrows(IOException.class, () -> {
                    batch.row(0);
                    batch.fields(type);
                }, k.what());
                assertTrue(e.getMessage().startsWith(named) && e.getMessage().contains(k.message()),
                        k.what() + ": " + e.getMessage());
                assertEquals(1, r.problems().size(), k.what() + ": recorded once: " + r.problems());
            }
        }
        try (TraceReader r = TraceReader.open(clean)) {
            assertTrue(r.verifyAll(), r.problems().toString());
            assertEquals(ev, StoreTest.readBatches(r));
            TraceReader.Batch batch = r.batches();
            assertTrue(batch.next());
            FieldColumns faultColumns = batch.fields(EventType.PAGE_FAULT);
            assertTrue(faultColumns.constant(faultColumns.field("error_code")), "6 in every row: stored once");
            assertEquals(6, faultColumns.numbers(faultColumns.field("error_code"))[faultColumns.size() - 1]);
            assertFalse(faultColumns.constant(faultColumns.field("address")));
            assertFalse(faultColumns.constant(faultColumns.field("result")), "MAJOR and \"\"");
            assertThrows(IndexOutOfBoundsException.class, () -> faultColumns.constant(99));
            FieldColumns sg = batch.fields(EventType.DMA_MAP_SG);
            assertThrows(IllegalArgumentException.class, () -> sg.constant(sg.field("phys_addrs")), "an array");
        }
    }

    static final Path V1_0 = Path.of("data/v1.0-one-of-each-x6.dmatrace");
    static final Path V1_1 = Path.of("data/v1.1-one-of-each-x6.dmatrace");
}
