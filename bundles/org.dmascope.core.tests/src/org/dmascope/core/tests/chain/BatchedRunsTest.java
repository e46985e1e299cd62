package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.BestPageSize;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.peer.P2pMapType;
import org.junit.jupiter.api.Test;

/**
 * Runs handed over in batches ({@link RunSink#runs}) take the scatter list's batch path, which
 * repeats the common case of the list's merging, of the IOMMU layout and of the dma-direct best
 * page size scan in one loop. Resolved from batches or one run at a time, every chain must be the
 * same: entries, counters, DMA segments, IOVA, page size, DMA blocks and every step's text.
 */
class BatchedRunsTest {

    private static final long VA = 0x7f0000000000L;
    private static final int RW = IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ;
    private static final UmemResolver ONE_BY_ONE = new UmemResolver(List.of(new TableBackend()));
    // Small batches, so that runs often cross from one batch to the next.
    private static final UmemResolver BATCHED = new UmemResolver(List.of(new TableBackend(5)));
    private static final UmemResolver ONE_BATCH = new UmemResolver(List.of(new TableBackend(4096)));
    private static final DmaDevice PLAIN = DmaDevice.plain();
    private static final DmaDevice IOMMU = PLAIN.withIommu(true);
    private static final DmaDevice MLX5 = IOMMU.withMaxSegmentSize(0x80000000L);

    /** The devices each table is resolved for: both mappings, offsets, granules, boundaries and segment sizes. */
    private static List<DmaDevice> devices() {
        return List.of(PLAIN, PLAIN.withMaxSegmentSize(0x80000000L), offset(PLAIN, 0x200000000L), IOMMU, MLX5,
                MLX5.withSegmentBoundary(0xffff), IOMMU.withMaxSegmentSize(0x5000).withSegmentBoundary(0x1ffff),
                granule(MLX5, 16), granule(IOMMU.withSegmentBoundary(0x3ffff), 14), IOMMU.withSegmentBoundary(-1),
                PLAIN.withPgszBitmap(0x1000));
    }

    private static DmaDevice offset(DmaDevice d, long offset) {
        return new DmaDevice(d.address(), d.name(), d.maxSegmentSize(), d.segmentBoundaryMask(), d.iommu(), offset,
                d.granuleShift(), d.dmaMask(), d.pci32BitFirst(), d.reservedIova(), d.pgszBitmap());
    }

    private static DmaDevice granule(DmaDevice d, int shift) {
        return new DmaDevice(d.address(), d.name(), d.maxSegmentSize(), d.segmentBoundaryMask(), d.iommu(),
                d.directOffset(), shift, d.dmaMask(), d.pci32BitFirst(), d.reservedIova(), d.pgszBitmap());
    }

    private static AddressSpace space(PageRuns table, long bytes) {
        return new AddressSpace(1, "t", List.of(Vma.anonymous(VA, VA + bytes, "rw-p")), table, AddressSpace.UNLIMITED,
                0, false);
    }

    /**
     * A table of random runs: PFNs that continue the run before or jump, absent pages (faulted in
     * with unknown PFNs at pin time), pages of two device page maps, and changes of state (THP,
     * soft-dirty) in between, in runs of 1 to 40 pages and now and then longer than a segment.
     */
    private static AddressSpace randomTable(Random r, int runs) {
        PageRuns t = new PageRuns();
        long va = VA;
        long pfn = 0x100000L + r.nextInt(1 << 16);
        for (int k = 0; k < runs; k++) {
            long n = r.nextInt(10) == 0 ? 1 + r.nextInt(300) : 1 + r.nextInt(r.nextBoolean() ? 2 : 40);
            int pick = r.nextInt(20);
            if (pick < 9) {
                pfn += 1 + r.nextInt(3) * (1 + r.nextInt(1 << 12));
            } else if (pick < 12) {
                pfn += 1;
            } else if (pick < 13) {
                // The same PFN again: no merge.
                pfn -= 1;
            }
            int flags = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
            int pgmap = -1;
            if (pick == 14) {
                va += n << 12;
                continue;
            }
            if (pick == 15) {
                flags |= PageFlags.THP;
            } else if (pick == 16) {
                flags |= PageFlags.SOFT_DIRTY;
            } else if (pick >= 17) {
                flags = PageFlags.PRESENT | PageFlags.ZONE_DEVICE;
                pgmap = 1 + (pick & 1);
            }
            t.run(va, pfn, n, flags, 12, pgmap);
            pfn += n - 1;
            va += n << 12;
        }
        return space(t, va - VA);
    }

    /** Every page its own frame (every other PFN), then a stretch of consecutive frames. */
    private static AddressSpace fragmentedThenContiguous(int fragmented, int contiguous) {
        PageRuns t = new PageRuns();
        int i = 0;
        for (; i < fragmented; i++) {
            t.run(VA + ((long) i << 12), 0x100000 + 2L * i, 1, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        }
        t.run(VA + ((long) i << 12), 0x400000, contiguous, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        return space(t, (long) (fragmented + contiguous) << 12);
    }

    private static PeerMapping thruHostBridge() {
        return pgmap -> pgmap == 2 ? new PeerMapping.Route(P2pMapType.THRU_HOST_BRIDGE, 0, "through the host bridge")
                : null;
    }

    /** Resolves the request one run at a time and from batches, with and without pages kept, and compares. */
    private static void sameEveryWay(UmemRequest req) throws MemoryReadException {
        for (boolean keep : new boolean[] {true, false}) {
            UmemRequest r = req.withKeepPages(keep);
            AddressChain a = ONE_BY_ONE.resolve(r);
            String what = r.device().describe() + (keep ? ", pages kept" : ", streamed");
            assertSame(a, BATCHED.resolve(r), what + ", batches of 5");
            assertSame(a, ONE_BATCH.resolve(r), what + ", batches of 4096");
        }
    }

    /**
     * The page size found from the mapped segments (an IOMMU's segments are visited a block at a
     * time, and the scan takes continuing segments together) equals the one found from a copy
     * of them visited one segment at a time.
     */
    private static void assertPageSizeOneByOne(AddressChain c, String what) {
        if (c.error() != null || !c.request().device().iommu()) {
            return;
        }
        DmaSegments d = c.dma();
        long[] addresses = new long[d.size()];
        long[] lengths = new long[d.size()];
        for (int i = 0; i < d.size(); i++) {
            addresses[i] = d.address(i);
            lengths[i] = d.length(i);
        }
        UmemRequest r = c.request();
        BestPageSize.Result one = BestPageSize.find(DmaSegments.of(addresses, lengths), r.address(), r.length(),
                r.virt(), r.device().pgszBitmap());
        assertEquals(one.pageSize(), c.pageSize(), what);
        assertEquals(one.dmaBlocks(), c.dmaBlocks(), what);
        assertEquals(one.why(), c.steps().get(c.steps().size() - 1).why(), what);
    }

    private static void assertSame(AddressChain a, AddressChain b, String what) {
        assertPageSizeOneByOne(a, what);
        assertEquals(a.error(), b.error(), what);
        assertEquals(a.steps(), b.steps(), what);
        assertEquals(a.sgCounts(), b.sgCounts(), what);
        assertEquals(a.iova(), b.iova(), what);
        assertEquals(a.pageSize(), b.pageSize(), what);
        assertEquals(a.dmaBlocks(), b.dmaBlocks(), what);
        if (a.sg() != null) {
            ScatterList x = a.sg();
            ScatterList y = b.sg();
            assertEquals(x.size(), y.size(), what);
            for (int i = 0; i < x.size(); i++) {
                String at = what + ", entry " + i;
                assertEquals(x.pfn(i), y.pfn(i), at);
                assertEquals(x.pages(i), y.pages(i), at);
                assertEquals(x.length(i), y.length(i), at);
                assertEquals(x.flags(i), y.flags(i), at);
                assertEquals(x.pgmap(i), y.pgmap(i), at);
            }
        }
        if (a.pages() != null) {
            PageRuns x = a.pages();
            PageRuns y = b.pages();
            assertEquals(x.size(), y.size(), what);
            for (int i = 0; i < x.size(); i++) {
                String at = what + ", page run " + i;
                assertEquals(x.vaddr(i), y.vaddr(i), at);
                assertEquals(x.pfn(i), y.pfn(i), at);
                assertEquals(x.pages(i), y.pages(i), at);
                assertEquals(x.flags(i), y.flags(i), at);
                assertEquals(x.pgmap(i), y.pgmap(i), at);
            }
        }
        if (a.dma() != null) {
            SegmentAssertions.assertSameSegments(a.dma(), b.dma(), what);
        }
    }

    @Test
    void randomTablesResolveTheSameFromBatches() throws MemoryReadException {
        Random r = new Random(20261126);
        for (int seed = 0; seed < 60; seed++) {
            AddressSpace s = randomTable(r, 40 + r.nextInt(200));
            long bytes = s.vmas().get(0).end() - VA;
            // Holes in the table are absent pages; the region starts and ends inside a page now and then.
            long head = r.nextInt(4) == 0 ? r.nextInt(4096) : 0;
            long len = bytes - head - (r.nextInt(4) == 0 ? r.nextInt(4096) : 0);
            PeerMapping peers = r.nextBoolean() ? thruHostBridge() : PeerMapping.NONE;
            for (DmaDevice d : devices()) {
                sameEveryWay(UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), VA + head, len, RW, d)
                        .withPeers(peers));
            }
        }
    }

    @Test
    void fragmentedMemoryResolvesTheSameFromBatches() throws MemoryReadException {
        AddressSpace s = fragmentedThenContiguous(3000, 700);
        for (DmaDevice d : devices()) {
            sameEveryWay(UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), VA, 3700L << 12, RW, d));
        }
        // What the batch path worked out, checked against the kernel's rules: 3000 single pages and
        // one stretch of 700 pages cut at 64 KiB (16 pages): 3000 + 44 entries.
        AddressChain c = BATCHED.resolve(UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), VA, 3700L << 12, RW,
                IOMMU).withKeepPages(false));
        assertEquals(3044, c.sgCounts().entries());
        assertEquals(3000, c.sgCounts().breaksAtPfn());
        assertEquals(43, c.sgCounts().breaksAtMaxSegment());
        // Through the IOMMU 16 single pages make one 64 KiB segment: 3000 / 16 rounded up; the
        // stretch's entries of 64 KiB do not fit the 32 KiB left in the last of those, and each is
        // a segment of its own.
        assertEquals(188 + 44, c.dma().size());
        // dma-direct: one segment per entry, and every other frame limits the page size to 4 KiB.
        AddressChain d = BATCHED.resolve(UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), VA, 3700L << 12, RW,
                PLAIN).withKeepPages(false));
        assertEquals(3044, d.dma().size());
        assertEquals(0x1000, d.pageSize());
        assertEquals(0x100000L << 12, d.dma().address(0));
        assertEquals((0x100000L + 2 * 2999) << 12, d.dma().address(2999));
        assertEquals(0x400000L << 12, d.dma().address(3000));
        assertEquals(0x10000, d.dma().length(3000));
    }

    @Test
    void aListWithoutSinkBuildsTheSameFromBatches() throws MemoryReadException {
        Random r = new Random(7);
        for (int seed = 0; seed < 40; seed++) {
            PageRuns table = new PageRuns();
            AddressSpace s = randomTable(r, 100);
            s.pageTable().walk(VA, s.vmas().get(0).end(), table);
            long total = table.totalPages() << 12;
            long maxSeg = r.nextBoolean() ? 0x10000 : 0x80000000L;
            ScatterList one = new ScatterList(maxSeg, 0x123, total - 0x200);
            ScatterList batched = new ScatterList(maxSeg, 0x123, total - 0x200);
            RunBatch batch = new RunBatch(1 + r.nextInt(9), batched);
            for (int i = 0; i < table.size(); i++) {
                one.run(table.vaddr(i), table.pfn(i), table.pages(i), table.flags(i), table.pageShift(i), table.pgmap(i));
                batch.run(table.vaddr(i), table.pfn(i), table.pages(i), table.flags(i), table.pageShift(i),
                        table.pgmap(i));
            }
            batch.flush();
            assertEquals(one.counts(), batched.counts());
            for (int i = 0; i < one.size(); i++) {
                assertEquals(one.phys(i), batched.phys(i), "entry " + i);
                assertEquals(one.length(i), batched.length(i), "entry " + i);
                assertEquals(one.flags(i), batched.flags(i), "entry " + i);
                assertEquals(one.pgmap(i), batched.pgmap(i), "entry " + i);
            }
        }
    }

    @Test
    void aBatchHoldsConsecutiveRunsOfOneState() {
        List<String> got = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        RunSink sink = new RunSink() {
            @Override
            public void run(long v, long pfn, long n, int flags, int shift, int pgmap) {
                got.add(Long.toHexString(v) + ":" + pfn + "x" + n + "/" + flags + "/" + shift + "/" + pgmap);
            }

            @Override
            public void runs(RunBatch b) {
                batches.add(b.size());
                RunSink.super.runs(b);
            }
        };
        RunBatch batch = new RunBatch(3, sink);
        batch.run(0x1000, 10, 2, 1, 12, -1);
        batch.run(0x3000, 20, 1, 1, 12, -1);
        // Another state: the batch goes first.
        batch.run(0x4000, 30, 1, 5, 12, -1);
        // Not where the batch ends.
        batch.run(0x9000, 40, 1, 5, 12, -1);
        batch.run(0xa000, 41, 1, 5, 12, -1);
        batch.run(0xb000, -1, 4, 5, 12, -1);
        // No pages: nothing, not even a break in the batch.
        batch.run(0x20000, 60, 0, 5, 12, -1);
        // Full after three: handed on at once.
        assertEquals(List.of(2, 1, 3), batches);
        batch.run(0xf000, 50, 1, 5, 21, 3);
        batch.flush();
        batch.flush();
        assertEquals(List.of(2, 1, 3, 1), batches);
        assertEquals(List.of("1000:10x2/1/12/-1", "3000:20x1/1/12/-1", "4000:30x1/5/12/-1", "9000:40x1/5/12/-1",
                "a000:41x1/5/12/-1", "b000:-1x4/5/12/-1", "f000:50x1/5/21/3"), got);
        assertThrows(IllegalArgumentException.class, () -> new RunBatch(0, sink));
        assertTrue(batch.size() == 0);
    }
}
