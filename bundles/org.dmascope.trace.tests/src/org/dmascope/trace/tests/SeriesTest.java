package org.dmascope.trace.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

import org.dmascope.trace.event.DmaBufMoveNotify;
import org.dmascope.trace.event.DmaMapPage;
import org.dmascope.trace.event.DmaMapSg;
import org.dmascope.trace.event.DmaUnmapPage;
import org.dmascope.trace.event.DmaUnmapSg;
import org.dmascope.trace.event.EventHeader;
import org.dmascope.trace.event.GpuDirectFreeCallback;
import org.dmascope.trace.event.GpuDirectGetPages;
import org.dmascope.trace.event.GpuDirectPutPages;
import org.dmascope.trace.event.IommuMap;
import org.dmascope.trace.event.MrDeregister;
import org.dmascope.trace.event.MrRegister;
import org.dmascope.trace.event.NotifierInvalidateBegin;
import org.dmascope.trace.event.P2pTransfer;
import org.dmascope.trace.event.PageFault;
import org.dmascope.trace.event.Pin;
import org.dmascope.trace.event.ProcessExit;
import org.dmascope.trace.event.TraceEvent;
import org.dmascope.trace.event.Unpin;
import org.dmascope.trace.event.VmaMap;
import org.dmascope.trace.series.SeriesBuilder;
import org.dmascope.trace.series.TraceSeries;
import org.dmascope.trace.store.TraceReader;
import org.dmascope.trace.store.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart series of a small hand-built trace, value by value. */
class SeriesTest {

    private static final long MIB = 1 << 20;
    private static final long GPU_VA = 0x7f00_0000_0000L;
    private static final String GPU = "0000:3b:00.0";
    private static final String NIC = "0000:5e:00.0";
    private static final String PATH = GPU + " \u2192 " + NIC;

    private static EventHeader at(long ts) {
        return new EventHeader(ts, 0, 1, "app");
    }

    /**
     * Range [100, 1100] in 10 buckets of 100 ns: bucket i is [100 + 100 i, 200 + 100 i), the
     * last one holding 1100.
     */
    static List<TraceEvent> trace() {
        List<TraceEvent> t = new ArrayList<>();
        t.add(new P2pTransfer(at(40), GPU, NIC, 0xf000_0000L, 512 << 10, "write", 10));
        t.add(new VmaMap(at(50), 0x10000, 0x20000, "rw-p", 0, ""));
        t.add(new Pin(at(50), 0x10000, 4, "FOLL_LONGTERM", 4, ""));
        // bucket 0: an MR over anonymous memory, the GPU object's mapping
        t.add(new MrRegister(at(150), NIC, 0x10000, 0x8000, 0x10000, "local-write", 1, 1, ""));
        t.add(new VmaMap(at(160), GPU_VA, GPU_VA + 2 * MIB, "rw-s", 0, "/dev/nvidia-uvm"));
        // bucket 1: GPU pages pinned and registered; an MR where no mapping is known; an ODP MR
        t.add(new GpuDirectGetPages(at(250), GPU, GPU_VA, 2 * MIB, 65536, 32, ""));
        t.add(new MrRegister(at(260), NIC, GPU_VA, 2 * MIB, GPU_VA, "local-write,remote-write", 2, 2, ""));
        t.add(new MrRegister(at(270), NIC, 0x500_0000, 4096, 0x500_0000, "local-write", 3, 3, ""));
        t.add(new MrRegister(at(280), NIC, 0x10000, 4096, 0x10000, "local-write,on-demand", 4, 4, ""));
        t.add(new MrRegister(at(290), NIC, 0x10000, 4096, 0x10000, "local-write", 0, 0, "-EFAULT"));
        // bucket 2: two notifier invalidations
        t.add(new NotifierInvalidateBegin(at(350), 0x10000, 0x11000, "unmap", true));
        t.add(new NotifierInvalidateBegin(at(360), 0x10000, 0x11000, "clear", true));
        // bucket 3: the GPU memory freed while registered
        t.add(new GpuDirectFreeCallback(at(450), GPU, GPU_VA, 2 * MIB));
        t.add(new GpuDirectPutPages(at(460), GPU, GPU_VA, 2 * MIB, ""));
        t.add(new MrDeregister(at(470), NIC, 2, ""));
        // bucket 4: move_notify; a 2 MiB-aligned scatter list and a fragmented one
        t.add(new DmaBufMoveNotify(at(550), 7, "nvidia", "buf", 4 * MIB));
        t.add(new DmaMapSg(at(560), GPU, 2, 2, false, new long[] {0x4000_0000L, 0x8000_0000L},
                new long[] {0x1_0000_0000L, 0x1_0020_0000L}, new long[] {2 * MIB, 2 * MIB}, "BIDIRECTIONAL", ""));
        t.add(new DmaMapSg(at(570), GPU, 3, 3, false, new long[] {0x1000, 0x5000, 0x9000},
                new long[] {0x2_0000_1000L, 0x2_0000_5000L, 0x2_0000_9000L}, new long[] {4096, 4096, 4096},
                "TO_DEVICE", ""));
        t.add(new DmaMapPage(at(580), NIC, 0xa000, 0x3000_0000L, 4096, "FROM_DEVICE", ""));
        // bucket 5: the aligned list unmapped
        t.add(new DmaUnmapSg(at(650), GPU, new long[] {0x4000_0000L, 0x8000_0000L}, "BIDIRECTIONAL", ""));
        t.add(new DmaUnmapPage(at(660), NIC, 0x3000_0000L, 4096, "FROM_DEVICE", ""));
        // bucket 6: a transfer, one page unpinned
        t.add(new P2pTransfer(at(750), GPU, NIC, 0xf000_0000L, MIB, "write", 100));
        t.add(new Unpin(at(760), 0x10000, 1, true));
        // bucket 7: the process exits
        t.add(new ProcessExit(at(850), 0));
        // bucket 9 holds the range's end; the event after it ends the pass
        t.add(new P2pTransfer(at(1100), GPU, NIC, 0xf000_0000L, 2 * MIB, "write", 100));
        t.add(new Pin(at(1200), 0x10000, 8, "FOLL_LONGTERM", 8, ""));
        return t;
    }

    @Test
    void mappedBytesPerBackend() {
        TraceSeries s = SeriesBuilder.of(trace(), 100, 1100, 10);
        assertEquals(Set.of("structpage", "gpudirect", "unknown", "odp", "dma-api"), s.mappedBytes().keySet());
        long a = 0x8000;
        assertArrayEquals(new long[] {a, a, a, a, a, a, a, a, 0, 0}, s.mappedBytes().get("structpage"));
        long g = 2 * MIB;
        // the free callback ends it in bucket 3, whose peak is still the MR's length
        assertArrayEquals(new long[] {0, g, g, g, 0, 0, 0, 0, 0, 0}, s.mappedBytes().get("gpudirect"));
        assertArrayEquals(new long[] {0, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 0, 0}, s.mappedBytes().get("unknown"));
        assertArrayEquals(new long[] {0, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 0, 0}, s.mappedBytes().get("odp"));
        long d = 4 * MIB + 3 * 4096 + 4096;
        long left = 3 * 4096;
        assertArrayEquals(new long[] {0, 0, 0, 0, d, d, left, left, left, left}, s.mappedBytes().get("dma-api"));
    }

    @Test
    void pinnedBytesPerBackend() {
        TraceSeries s = SeriesBuilder.of(trace(), 100, 1100, 10);
        long p = 4 * 4096;
        assertArrayEquals(new long[] {p, p, p, p, p, p, p, 3 * 4096, 0, 0}, s.pinnedBytes().get("structpage"));
        long g = 2 * MIB;
        assertArrayEquals(new long[] {0, g, g, g, 0, 0, 0, 0, 0, 0}, s.pinnedBytes().get("gpudirect"));
    }

    @Test
    void invalidationsPerSecond() {
        TraceSeries s = SeriesBuilder.of(trace(), 100, 1100, 10);
        assertEquals(Set.of(TraceSeries.MMU_NOTIFIER, TraceSeries.FREE_CALLBACK, TraceSeries.MR_INVALIDATED,
                TraceSeries.MOVE_NOTIFY), s.invalidations().keySet());
        assertArrayEquals(new long[] {0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, s.invalidations().get(TraceSeries.MMU_NOTIFIER));
        assertArrayEquals(new long[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, s.invalidations().get(TraceSeries.FREE_CALLBACK));
        assertArrayEquals(new long[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, s.invalidations().get(TraceSeries.MR_INVALIDATED));
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, s.invalidations().get(TraceSeries.MOVE_NOTIFY));
        // 2 in 100 ns
        assertArrayEquals(new double[] {0, 0, 2e7, 0, 0, 0, 0, 0, 0, 0},
                s.invalidationsPerSecond(TraceSeries.MMU_NOTIFIER), 1e-3);
        assertArrayEquals(new double[10], s.invalidationsPerSecond("no such kind"));
    }

    @Test
    void segmentsAndBestPageSize() {
        TraceSeries s = SeriesBuilder.of(trace(), 100, 1100, 10);
        assertArrayEquals(new long[] {-1, 32, -1, -1, -1, -1, -1, -1, -1, -1}, s.segments().get(TraceSeries.GET_PAGES));
        assertArrayEquals(new long[] {-1, 65536, -1, -1, -1, -1, -1, -1, -1, -1},
                s.bestPageSize().get(TraceSeries.GET_PAGES));
        // bucket 4: the most segments (3) and the worst page size (4 KiB, the fragmented list)
        assertArrayEquals(new long[] {-1, -1, -1, -1, 3, -1, -1, -1, -1, -1}, s.segments().get(TraceSeries.DMA_MAP_SG));
        assertArrayEquals(new long[] {-1, -1, -1, -1, 4096, -1, -1, -1, -1, -1},
                s.bestPageSize().get(TraceSeries.DMA_MAP_SG));
    }

    @Test
    void p2pBytesPerPath() {
        TraceSeries s = SeriesBuilder.of(trace(), 100, 1100, 10);
        assertEquals(Set.of(PATH), s.p2pBytes().keySet());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, MIB, 0, 0, 2 * MIB}, s.p2pBytes().get(PATH));
        assertEquals(512 << 10, s.p2pBytesBefore().get(PATH));
        long h = 512 << 10;
        assertArrayEquals(new long[] {h, h, h, h, h, h, h + MIB, h + MIB, h + MIB, h + 3 * MIB}, s.p2pCumulative(PATH));
        // every event up to the range's end, none after
        assertEquals(trace().size() - 1, s.events());
    }

    @Test
    void zoomingInKeepsTheLevelsCarriedIn() {
        // [600, 700] in 4 buckets of 25 ns: the dma-api level carried in, unmapped at 650 and 660
        TraceSeries s = SeriesBuilder.of(trace(), 600, 700, 4);
        long d = 4 * MIB + 4 * 4096;
        assertArrayEquals(new long[] {d, d, d, 3 * 4096}, s.mappedBytes().get("dma-api"));
        assertArrayEquals(new long[] {0x8000, 0x8000, 0x8000, 0x8000}, s.mappedBytes().get("structpage"));
        assertEquals(650, s.bucketStart(2));
        assertEquals(2, s.bucketOf(660));
        assertEquals(s.p2pBytesBefore().get(PATH), 512 << 10);
    }

    @Test
    void bucketsOfUnevenWidthMeetExactly() {
        TraceSeries s = SeriesBuilder.of(List.of(), 0, 10, 3);
        assertEquals(List.of(0L, 3L, 6L, 10L), List.of(s.bucketStart(0), s.bucketStart(1), s.bucketStart(2), s.bucketStart(3)));
        assertEquals(0, s.bucketOf(2));
        assertEquals(1, s.bucketOf(3));
        assertEquals(1, s.bucketOf(5));
        assertEquals(2, s.bucketOf(6));
        assertEquals(2, s.bucketOf(10));
        assertEquals(-1, s.bucketOf(11));
        assertEquals(-1, s.bucketOf(-1));
        // a range of a whole day in ns, times many buckets, does not overflow
        TraceSeries day = SeriesBuilder.of(List.of(), 0, 86_400_000_000_000L, 4000);
        assertEquals(3999, day.bucketOf(86_400_000_000_000L));
        assertEquals(2000, day.bucketOf(43_200_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> SeriesBuilder.of(List.of(), 5, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> SeriesBuilder.of(List.of(), 0, 5, 0));
    }

    @Test
    void bestPageSizeAsIbUmemFindBestPgsz() {
        long any = SeriesBuilder.ANY_PAGE_SIZE;
        // one 1 GiB-aligned segment of 1 GiB: 1 GiB
        assertEquals(1L << 30, SeriesBuilder.bestPageSize(new long[] {0x4000_0000L}, new long[] {1L << 30}, 0x4000_0000L, 0, any));
        // the same memory at an IOVA that agrees only in its low 2 MiB: 2 MiB
        assertEquals(2 * MIB, SeriesBuilder.bestPageSize(new long[] {0x4000_0000L}, new long[] {1L << 30}, 0x20_0000L, 0, any));
        // an interior segment ending off a 64 KiB boundary limits everything to its alignment
        assertEquals(4096, SeriesBuilder.bestPageSize(new long[] {0x10_0000L, 0x40_0000L},
                new long[] {0x11000, 0x10000}, 0x10_0000L, 0, any));
        // a device of 4 KiB and 2 MiB pages: one 2 MiB page covers 256 KiB whose IOVA and DMA
        // address agree below 2 MiB; at an IOVA that disagrees in bit 17, only 4 KiB pages
        long fourKAnd2M = 4096 | 2 * MIB;
        assertEquals(2 * MIB, SeriesBuilder.bestPageSize(new long[] {0x1_0000L}, new long[] {0x40000}, 0x1_0000L, 0, fourKAnd2M));
        assertEquals(4096, SeriesBuilder.bestPageSize(new long[] {0x1_0000L}, new long[] {0x40000}, 0x3_0000L, 0, fourKAnd2M));
        // the first byte 0x100 into its page (pgoff): the DMA address is the page's; 8 KiB total
        assertEquals(8192, SeriesBuilder.bestPageSize(new long[] {0x2000}, new long[] {0x2000}, 0x100, 0x100, any));
        // two entries contiguous in DMA space: their boundary, 4 KiB in, does not constrain (it
        // did before mainline's contiguity check); 2 MiB at a 2 MiB-aligned IOVA
        assertEquals(2 * MIB, SeriesBuilder.bestPageSize(new long[] {0x20_0000L, 0x20_1000L},
                new long[] {0x1000, 0x1F_F000}, 0x20_0000L, 0, any));
        // the same two entries apart: the discontinuity 4 KiB in limits it to 4 KiB
        assertEquals(4096, SeriesBuilder.bestPageSize(new long[] {0x20_0000L, 0x40_1000L},
                new long[] {0x1000, 0x1F_F000}, 0x20_0000L, 0, any));
        // MR length smaller than a page in a 4 KiB-only bitmap still gets 4 KiB
        assertEquals(4096, SeriesBuilder.bestPageSize(new long[] {0x3000}, new long[] {16}, 0x3000, 0, 4096));
    }

    @Test
    void computeFromTheStoresColumnsEqualsTheSeriesOfTheEvents(@TempDir Path dir) throws Exception {
        // the kinds that feed no series, read from the columns alone, between those that do
        List<TraceEvent> events = new ArrayList<>();
        for (TraceEvent e : trace()) {
            events.add(new PageFault(at(e.ts()), 0x10000, 0x4000, 6, ""));
            events.add(e);
            events.add(new IommuMap(at(e.ts()), 0xf000, 0x10000, 4096));
        }
        Path file = dir.resolve("columns.dmatrace");
        try (TraceWriter w = TraceWriter.createUnflushed(file, TraceWriter.Options.DEFAULT.withChunkBytes(1024))) {
            w.appendAll(events);
        }
        try (TraceReader r = TraceReader.open(file)) {
            assertTrue(r.chunks().size() > 1, "several chunks: " + r.chunks().size());
            for (long[] range : new long[][] { { 100, 1100, 10 }, { 600, 700, 4 }, { 0, 5000, 7 } }) {
                TraceSeries fromStore = SeriesBuilder.compute(r, range[0], range[1], (int) range[2], n -> true);
                TraceSeries fromList = SeriesBuilder.of(events, range[0], range[1], (int) range[2]);
                String where = "range " + range[0] + ".." + range[1];
                assertEquals(fromList.events(), fromStore.events(), where);
                assertSameSeries(fromList.mappedBytes(), fromStore.mappedBytes(), where);
                assertSameSeries(fromList.pinnedBytes(), fromStore.pinnedBytes(), where);
                assertSameSeries(fromList.invalidations(), fromStore.invalidations(), where);
                assertSameSeries(fromList.segments(), fromStore.segments(), where);
                assertSameSeries(fromList.bestPageSize(), fromStore.bestPageSize(), where);
                assertSameSeries(fromList.p2pBytes(), fromStore.p2pBytes(), where);
                assertEquals(fromList.p2pBytesBefore(), fromStore.p2pBytesBefore(), where);
            }
        }
    }

    private static void assertSameSeries(Map<String, long[]> expected, Map<String, long[]> actual, String where) {
        assertEquals(expected.keySet(), actual.keySet(), where);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), where + ", " + e.getKey());
        }
    }

    @Test
    void computeReadsAStoreAndCanBeCancelled(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("series.dmatrace");
        try (TraceWriter w = TraceWriter.create(file, TraceWriter.Options.DEFAULT)) {
            w.appendAll(trace());
        }
        try (TraceReader r = TraceReader.open(file)) {
            TraceSeries fromStore = SeriesBuilder.compute(r, 100, 1100, 10, n -> true);
            TraceSeries fromList = SeriesBuilder.of(trace(), 100, 1100, 10);
            assertArrayEquals(fromList.mappedBytes().get("dma-api"), fromStore.mappedBytes().get("dma-api"));
            assertArrayEquals(fromList.pinnedBytes().get("gpudirect"), fromStore.pinnedBytes().get("gpudirect"));
            assertArrayEquals(fromList.p2pCumulative(PATH), fromStore.p2pCumulative(PATH));
            assertEquals(fromList.events(), fromStore.events());
        }
        Path big = dir.resolve("big.dmatrace");
        try (TraceWriter w = TraceWriter.create(big, TraceWriter.Options.DEFAULT)) {
            for (int i = 0; i < 10_000; i++) {
                w.append(new NotifierInvalidateBegin(at(i), 0, 4096, "unmap", true));
            }
        }
        try (TraceReader r = TraceReader.open(big)) {
            assertThrows(CancellationException.class, () -> SeriesBuilder.compute(r, 0, 10_000, 100, n -> n < 4096));
            TraceSeries all = SeriesBuilder.compute(r, 0, 10_000, 100, n -> true);
            assertEquals(100, all.invalidations().get(TraceSeries.MMU_NOTIFIER)[0]);
            assertEquals(10_000, all.events());
        }
    }
}
