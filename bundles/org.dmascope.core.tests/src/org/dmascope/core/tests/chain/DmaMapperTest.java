package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaMapper;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.IovaAllocator;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.peer.P2pMapType;
import org.junit.jupiter.api.Test;

/**
 * DMA mapping of a scatter list: dma_direct_map_sg() and iommu_dma_map_sg() with
 * __finalise_sg(), the IOVA allocation of a fresh domain, and P2PDMA entries.
 */
class DmaMapperTest {

    private static final long VA = 0x7f0000000000L;
    private static final DmaDevice PLAIN = DmaDevice.plain();
    private static final DmaDevice IOMMU = DmaDevice.plain().withIommu(true);

    /** Entries of whole pages: {pfn, pages[, pgmap]}. */
    private static ScatterList entries(long... pfnPagesPairs) {
        long total = 0;
        for (int i = 1; i < pfnPagesPairs.length; i += 2) {
            total += pfnPagesPairs[i];
        }
        ScatterList sg = new ScatterList(0x80000000L, 0, total << 12);
        long va = VA;
        for (int i = 0; i < pfnPagesPairs.length; i += 2) {
            sg.run(va, pfnPagesPairs[i], pfnPagesPairs[i + 1], PageFlags.PRESENT, 12, -1);
            // A one-page gap in the virtual addresses keeps runs apart even when PFNs follow.
            va += (pfnPagesPairs[i + 1] + 1) << 12;
        }
        return sg;
    }

    private static void assertSegments(DmaSegments s, long... addressLengthPairs) {
        assertEquals(addressLengthPairs.length / 2, s.size(), "segments");
        for (int i = 0; i < s.size(); i++) {
            assertEquals(addressLengthPairs[2 * i], s.address(i), "address of segment " + i);
            assertEquals(addressLengthPairs[2 * i + 1], s.length(i), "length of segment " + i);
        }
    }

    @Test
    void directMappingIsThePhysicalAddressOneSegmentPerEntry() {
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 4, 0x1004, 4), PLAIN, PeerMapping.NONE);
        assertNull(r.error());
        assertSegments(r.segments(), 0x1000000, 0x4000, 0x1004000, 0x4000);
        assertEquals(0, r.iova());
    }

    @Test
    void directMappingAddsTheDeviceOffset() {
        DmaDevice dev = new DmaDevice(null, "offset device", 0x10000, -1, false, 0x80000000L, 12, -1, false, List.of(),
                DmaDevice.MLX5_PGSZ_BITMAP);
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 1), dev, PeerMapping.NONE);
        assertSegments(r.segments(), 0x81000000L, 0x1000);
    }

    @Test
    void directMappingBeyondTheDmaMaskFailsWithEio() {
        DmaDevice dev = new DmaDevice(null, "32-bit device", 0x10000, 0xffffffffL, false, 0, 12, 0xffffffffL, true,
                List.of(), DmaDevice.MLX5_PGSZ_BITMAP);
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 1, 0x200000, 1), dev, PeerMapping.NONE);
        assertEquals("EIO", r.error());
        assertTrue(r.why().contains("entry 1"), r.why());
    }

    @Test
    void iommuMergesEntriesIntoOneSegmentAtTheTopOfThe32BitSpace() {
        // 4 + 4 + 8 pages: 16 granules, aligned to 64 KiB, top-down below 4 GiB.
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 4, 0x5000, 4, 0x9000, 8), IOMMU, PeerMapping.NONE);
        assertNull(r.error());
        assertEquals(0xffff0000L, r.iova());
        assertSegments(r.segments(), 0xffff0000L, 0x10000);
        assertEquals(3, r.segments().entries(0));
    }

    @Test
    void iommuSplitsAtTheMaximumSegmentSize() {
        // 20 granules are allocated as 32 (rounded to a power of two below 32), aligned to 128 KiB.
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 4, 0x5000, 4, 0x9000, 12), IOMMU, PeerMapping.NONE);
        assertEquals(0xfffe0000L, r.iova());
        assertEquals(0x14000, r.iovaLength());
        assertSegments(r.segments(), 0xfffe0000L, 0x8000, 0xfffe8000L, 0xc000);
        assertEquals(List.of(2, 1), List.of(r.segments().entries(0), r.segments().entries(1)), "entries per segment");
        assertEquals(List.of(0, 2), List.of(r.segments().firstEntry(0), r.segments().firstEntry(1)));
    }

    @Test
    void iommuPadsSoThatNoSegmentCrossesTheBoundary() {
        DmaDevice dev = IOMMU.withMaxSegmentSize(0x80000000L).withSegmentBoundary(0xffff);
        DmaMapper.Result r = DmaMapper.map(entries(0x1000, 12, 0x5000, 8), dev, PeerMapping.NONE);
        // 0xc000, then 0x4000 of padding up to the 64 KiB boundary, then 0x8000.
        assertEquals(0x18000, r.iovaLength());
        assertSegments(r.segments(), 0xfffe0000L, 0xc000, 0xffff0000L, 0x8000);
        assertEquals(List.of(1, 1), List.of(r.segments().entries(0), r.segments().entries(1)), "entries per segment");
        // Without the boundary the two entries are one segment.
        DmaMapper.Result free = DmaMapper.map(entries(0x1000, 12, 0x5000, 8), IOMMU.withMaxSegmentSize(0x80000000L),
                PeerMapping.NONE);
        assertSegments(free.segments(), 0xfffe0000L, 0x14000);
        assertEquals(2, free.segments().entries(0));
    }

    @Test
    void iommuKeepsTheFirstEntrysOffsetAndJoinsTheNextAtAGranule() {
        ScatterList sg = new ScatterList(0x80000000L, 0x800, 0x1800);
        sg.run(VA, 0x1000, 1, PageFlags.PRESENT, 12, -1);
        sg.run(VA + 0x1000, 0x3000, 1, PageFlags.PRESENT, 12, -1);
        DmaMapper.Result r = DmaMapper.map(sg, IOMMU, PeerMapping.NONE);
        // The first entry starts 0x800 into its granule; the second starts on one and joins it.
        assertSegments(r.segments(), 0xffffe800L, 0x1800);
    }

    private static ScatterList withPeerEntry() {
        ScatterList sg = new ScatterList(0x80000000L, 0, 7L << 12);
        sg.run(VA, 0x1000, 2, PageFlags.PRESENT, 12, -1);
        sg.run(VA + 0x2000, 0x380000, 4, PageFlags.PRESENT | PageFlags.ZONE_DEVICE, 12, 2);
        sg.run(VA + 0x6000, 0x2000, 1, PageFlags.PRESENT, 12, -1);
        return sg;
    }

    private static PeerMapping route(P2pMapType type) {
        return pgmap -> pgmap == 2 ? new PeerMapping.Route(type, 0, "test route") : null;
    }

    @Test
    void busAddressEntriesBypassTheIommuWithSegmentsOfTheirOwn() {
        DmaMapper.Result r = DmaMapper.map(withPeerEntry(), IOMMU, route(P2pMapType.BUS_ADDR));
        assertNull(r.error());
        // 3 granules of IOVA, rounded to 4; the peer entry keeps its bus address and, as the
        // kernel does, the length of the list's first entry.
        assertEquals(0xffffc000L, r.iova());
        assertSegments(r.segments(), 0xffffc000L, 0x2000, 0x380000000L, 0x2000, 0xffffe000L, 0x1000);
        assertEquals(List.of(1, 1, 1), List.of(r.segments().entries(0), r.segments().entries(1),
                r.segments().entries(2)), "entries per segment");
        assertTrue(r.segments().busAddress(1));
        assertFalse(r.segments().busAddress(0));
    }

    @Test
    void throughTheHostBridgeIsMappedLikeMemory() {
        DmaMapper.Result r = DmaMapper.map(withPeerEntry(), IOMMU, route(P2pMapType.THRU_HOST_BRIDGE));
        assertSegments(r.segments(), 0xffff8000L, 0x7000);
        DmaMapper.Result direct = DmaMapper.map(withPeerEntry(), PLAIN, route(P2pMapType.THRU_HOST_BRIDGE));
        assertSegments(direct.segments(), 0x1000000, 0x2000, 0x380000000L, 0x4000, 0x2000000, 0x1000);
    }

    @Test
    void directBusAddressesKeepTheirOwnLength() {
        DmaMapper.Result r = DmaMapper.map(withPeerEntry(), PLAIN, route(P2pMapType.BUS_ADDR));
        assertSegments(r.segments(), 0x1000000, 0x2000, 0x380000000L, 0x4000, 0x2000000, 0x1000);
        assertTrue(r.segments().busAddress(1));
    }

    @Test
    void unreachablePeerMemoryFailsWithEremoteio() {
        assertEquals("EREMOTEIO", DmaMapper.map(withPeerEntry(), IOMMU, route(P2pMapType.NOT_SUPPORTED)).error());
        assertEquals("EREMOTEIO", DmaMapper.map(withPeerEntry(), PLAIN, route(P2pMapType.NOT_SUPPORTED)).error());
    }

    @Test
    void iovaAllocationsOfAFreshDomain() {
        assertEquals(0xfffff000L, IovaAllocator.allocate(0x1000, IOMMU).iova());
        IovaAllocator.Allocation three = IovaAllocator.allocate(0x3000, IOMMU);
        assertEquals(0xffffc000L, three.iova());
        assertEquals(4, three.granules());
        // 64 GiB does not fit below 4 GiB: the top of the 48-bit space, aligned to 64 GiB.
        assertEquals(0xfff000000000L, IovaAllocator.allocate(64L << 30, IOMMU).iova());
        // A reserved range at the top pushes the allocation below it, clear of the MSI window.
        DmaDevice reserved = new DmaDevice(null, "r", 0x10000, 0xffffffffL, true, 0, 12, -1, true,
                List.of(DmaDevice.X86_MSI_WINDOW, new DmaDevice.IovaRange(0xff000000L, 0xffffffffL)), 0);
        assertEquals(0xfeffe000L, IovaAllocator.allocate(0x2000, reserved).iova());
        // A device with a 32-bit mask goes straight to the top of its mask.
        DmaDevice narrow = new DmaDevice(null, "n", 0x10000, 0xffffffffL, true, 0, 12, 0xffffffffL, true, List.of(), 0);
        assertEquals(0xfff00000L, IovaAllocator.allocate(1L << 20, narrow).iova());
        // Nothing fits: -ENOMEM.
        assertEquals(0, IovaAllocator.allocate(8L << 30, narrow).iova());
    }
}
