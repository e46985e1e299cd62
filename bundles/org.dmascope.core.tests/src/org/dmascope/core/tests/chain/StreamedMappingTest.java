package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.chain.AddressChain;
import org.dmascope.core.chain.BestPageSize;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IbAccess;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.UmemRequest;
import org.dmascope.core.chain.UmemResolver;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.peer.P2pMapType;
import org.junit.jupiter.api.Test;

/**
 * Without pages to keep, an IOMMU device's DMA segments are laid out while the scatter list's
 * entries stream (IOVA offsets from 0, the allocation's base added at the end): the same
 * requests resolved both ways give the same segments, IOVA, page size, DMA blocks and steps.
 */
class StreamedMappingTest {

    private static final long VA = 0x7f0000000000L;
    private static final int RW = IbAccess.LOCAL_WRITE | IbAccess.REMOTE_WRITE | IbAccess.REMOTE_READ;
    private static final UmemResolver RESOLVER = new UmemResolver(List.of(new TableBackend()));
    private static final DmaDevice IOMMU = DmaDevice.plain().withIommu(true);
    private static final DmaDevice MLX5 = IOMMU.withMaxSegmentSize(0x80000000L);
    private static final int PEER = PageFlags.PRESENT | PageFlags.ZONE_DEVICE;

    private static AddressSpace space(PageRuns table, long bytes) {
        return new AddressSpace(1, "t", List.of(Vma.anonymous(VA, VA + bytes, "rw-p")), table, AddressSpace.UNLIMITED,
                0, false);
    }

    /** Every page its own frame (every other PFN). */
    private static AddressSpace fragmented(int pages) {
        PageRuns t = new PageRuns();
        for (int i = 0; i < pages; i++) {
            t.run(VA + ((long) i << 12), 0x100000 + 2L * i, 1, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        }
        return space(t, (long) pages << 12);
    }

    /** Runs of {pfn, pages[, pgmap]} one after the other; pfn -1 leaves the pages absent (faulted in at pin time). */
    private static AddressSpace runs(long[]... runs) {
        PageRuns t = new PageRuns();
        long va = VA;
        for (long[] r : runs) {
            if (r[0] >= 0) {
                int pgmap = r.length > 2 ? (int) r[2] : -1;
                t.run(va, r[0], r[1], pgmap >= 0 ? PEER : PageFlags.PRESENT, 12, pgmap);
            }
            va += r[1] << 12;
        }
        return space(t, va - VA);
    }

    private static PeerMapping route(P2pMapType type) {
        return pgmap -> pgmap == 2 ? new PeerMapping.Route(type, 0x100000000000L, "test route") : null;
    }

    /** Resolves both ways, asserts that they agree, and returns the streamed chain. */
    private static AddressChain bothWays(AddressSpace s, long addr, long len, DmaDevice dev, PeerMapping peers)
            throws MemoryReadException {
        UmemRequest req = UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), addr, len, RW, dev).withPeers(peers);
        AddressChain kept = RESOLVER.resolve(req);
        AddressChain streamed = RESOLVER.resolve(req.withKeepPages(false));
        assertEquals(kept.error(), streamed.error(), streamed.lastWhy());
        assertEquals(kept.steps(), streamed.steps());
        assertEquals(kept.iova(), streamed.iova(), "IOVA");
        assertEquals(kept.pageSize(), streamed.pageSize(), "page size");
        assertEquals(kept.dmaBlocks(), streamed.dmaBlocks(), "DMA blocks");
        assertEquals(kept.sgCounts(), streamed.sgCounts(), "scatter-list counters");
        assertNull(streamed.pages());
        if (kept.error() == null) {
            assertNotNull(kept.sg());
            assertNull(streamed.sg(), "the entries streamed, not kept");
            assertEquals(kept.sg().size(), streamed.sgCounts().entries());
            DmaSegments a = kept.dma();
            DmaSegments b = streamed.dma();
            SegmentAssertions.assertSameSegments(a, b, "kept and streamed");
            for (int i = 0; i < a.size(); i++) {
                assertEquals(kept.sg().phys(a.firstEntry(i)), b.phys(i), "segment " + i);
            }
        }
        return streamed;
    }

    private static AddressChain bothWays(AddressSpace s, DmaDevice dev) throws MemoryReadException {
        long len = s.vmas().get(0).end() - VA;
        return bothWays(s, VA, len, dev, PeerMapping.NONE);
    }

    @Test
    void fragmentedPages() throws MemoryReadException {
        AddressSpace s = fragmented(700);
        AddressChain c = bothWays(s, IOMMU);
        assertEquals(700, c.sgCounts().entries());
        // 16 pages of 4 KiB in each 64 KiB segment.
        assertEquals(44, c.dma().size());
        assertEquals(1, bothWays(s, MLX5).dma().size());
        // A region that starts inside its first page and ends inside its last.
        bothWays(s, VA + 0x800, 0x21000, IOMMU, PeerMapping.NONE);
    }

    @Test
    void contiguousPages() throws MemoryReadException {
        AddressSpace s = runs(new long[] {0x40000, 1024}, new long[] {0x80200, 512});
        assertEquals(96, bothWays(s, IOMMU).dma().size());
        assertEquals(1, bothWays(s, MLX5).dma().size());
    }

    @Test
    void boundaryPaddingBelowAndAboveTheAllocationsAlignment() throws MemoryReadException {
        AddressSpace s = runs(new long[] {0x1000, 12}, new long[] {0x5000, 8}, new long[] {0x9000, 3},
                new long[] {0xa000, 30}, new long[] {0xc000, 16}, new long[] {0xe000, 1}, new long[] {0xf000, 17});
        // Boundaries of 64 KiB and 32 KiB, below the allocation's size: the padding splits segments.
        AddressChain small = bothWays(s, MLX5.withSegmentBoundary(0xffff));
        assertTrue(small.steps().get(small.steps().size() - 2).why().contains("paddings"));
        bothWays(s, MLX5.withSegmentBoundary(0x7fff));
        bothWays(s, IOMMU.withSegmentBoundary(0x1ffff));
        // Boundaries above it: the allocation below 4 GiB does not start on a 1 MiB or 4 GiB boundary.
        bothWays(s, MLX5.withSegmentBoundary(0xfffff));
        bothWays(s, MLX5);
        bothWays(s, MLX5.withSegmentBoundary(-1));
    }

    @Test
    void peerMemoryWithBusAddressesThroughTheHostBridgeAndRefused() throws MemoryReadException {
        AddressSpace s = runs(new long[] {0x1000, 3}, new long[] {0x380000, 4, 2}, new long[] {0x2000, 5},
                new long[] {0x380010, 2, 2}, new long[] {0x3000, 1});
        AddressChain bus = bothWays(s, VA, 15L << 12, IOMMU, route(P2pMapType.BUS_ADDR));
        assertTrue(bus.dma().busAddress(1));
        // The kernel gives a bus-address segment the first entry's length.
        assertEquals(0x3000, bus.dma().length(1));
        bothWays(s, VA, 15L << 12, MLX5, route(P2pMapType.BUS_ADDR));
        bothWays(s, VA, 15L << 12, MLX5, route(P2pMapType.THRU_HOST_BRIDGE));
        assertEquals("EREMOTEIO", bothWays(s, VA, 15L << 12, IOMMU, route(P2pMapType.NOT_SUPPORTED)).error());
        // A bus-address entry first: its own length is the first entry's.
        AddressSpace first = runs(new long[] {0x380000, 4, 2}, new long[] {0x2000, 5});
        bothWays(first, VA, 9L << 12, IOMMU, route(P2pMapType.BUS_ADDR));
        // Only bus-address entries: no IOVA is allocated.
        AddressChain none = bothWays(runs(new long[] {0x380000, 4, 2}), VA, 4L << 12, IOMMU,
                route(P2pMapType.BUS_ADDR));
        assertEquals(0, none.iova());
    }

    @Test
    void pagesWithoutKnownPfnsAndAnAllocationThatFails() throws MemoryReadException {
        AddressSpace s = runs(new long[] {0x1000, 5}, new long[] {-1, 7}, new long[] {0x2000, 4});
        bothWays(s, IOMMU);
        // 20 KiB segments: the second starts with pages whose PFN is not known, so its phys is not either.
        AddressChain c = bothWays(s, IOMMU.withMaxSegmentSize(0x5000));
        assertEquals(4, c.dma().size());
        assertEquals(-1, c.dma().phys(1));
        assertEquals(0x2000000, c.dma().phys(3));
        // A device whose DMA mask leaves no room for 2 MiB of IOVA: -ENOMEM either way.
        DmaDevice narrow = new DmaDevice(null, "narrow", 0x10000, 0xffffffffL, true, 0, 12, 0xfffffL, true, List.of(),
                DmaDevice.MLX5_PGSZ_BITMAP);
        assertEquals("ENOMEM", bothWays(fragmented(512), narrow).error());
    }

    /**
     * Without an IOMMU, the best page size is found while the list is built (its entries are the
     * DMA segments of a 64-bit device): it must equal ib_umem_find_best_pgsz() run afterwards
     * over the mapped segments, and so must the step's reason.
     */
    private static AddressChain directAgrees(AddressSpace s, long addr, long len, DmaDevice dev, PeerMapping peers)
            throws MemoryReadException {
        UmemRequest req = UmemRequest.of(s, PhysicalMemoryMap.systemRamOnly(), addr, len, RW, dev).withPeers(peers);
        for (boolean keep : new boolean[] {true, false}) {
            AddressChain c = RESOLVER.resolve(req.withKeepPages(keep));
            if (c.error() != null) {
                return c;
            }
            BestPageSize.Result after = BestPageSize.find(c.dma(), addr, len, req.virt(), dev.pgszBitmap());
            assertEquals(after.pageSize(), c.pageSize(), "page size");
            assertEquals(after.dmaBlocks(), c.dmaBlocks(), "DMA blocks");
            assertEquals(after.why(), c.steps().get(c.steps().size() - 1).why());
        }
        return RESOLVER.resolve(req);
    }

    @Test
    void directMappingFindsThePageSizeWhileTheListIsBuilt() throws MemoryReadException {
        DmaDevice direct = DmaDevice.plain();
        AddressSpace frag = fragmented(700);
        assertEquals(4096, directAgrees(frag, VA, 700L << 12, direct, PeerMapping.NONE).pageSize());
        directAgrees(frag, VA + 0x800, 0x21000, direct, PeerMapping.NONE);
        // One 2 MiB-aligned stretch, then another: 2 MiB pages.
        AddressSpace huge = runs(new long[] {0x40000, 512}, new long[] {0x80200, 512});
        assertEquals(2L << 20, directAgrees(huge, VA, 4L << 20, direct.withMaxSegmentSize(0x80000000L),
                PeerMapping.NONE).pageSize());
        // Pages whose PFNs are not known: no page size can be said.
        AddressSpace unknown = runs(new long[] {0x1000, 5}, new long[] {-1, 7}, new long[] {0x2000, 4});
        assertEquals(-1, directAgrees(unknown, VA, 16L << 12, direct, PeerMapping.NONE).pageSize());
        // P2PDMA bus addresses: dma-direct maps entry by entry and the size is found afterwards.
        AddressSpace peer = runs(new long[] {0x1000, 3}, new long[] {0x380000, 4, 2}, new long[] {0x2000, 5});
        AddressChain bus = directAgrees(peer, VA, 12L << 12, direct, route(P2pMapType.BUS_ADDR));
        assertTrue(bus.dma().busAddress(1));
        // A dma_range_map offset is added while the list is built too.
        DmaDevice offset = new DmaDevice(null, "offset", 0x10000, 0xffffffffL, false, 0x80000000L, 12, -1, false,
                List.of(), DmaDevice.MLX5_PGSZ_BITMAP);
        assertEquals(0x80000000L + 0x1000000L, directAgrees(peer, VA, 3L << 12, offset, PeerMapping.NONE).dma()
                .address(0));
    }
}
