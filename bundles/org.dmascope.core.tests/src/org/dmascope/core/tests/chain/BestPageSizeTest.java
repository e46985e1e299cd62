package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.core.chain.BestPageSize;
import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaMapper;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.junit.jupiter.api.Test;

/** ib_umem_find_best_pgsz() as in v6.16, and ib_umem_num_dma_blocks(). */
class BestPageSizeTest {

    private static final long BITMAP = DmaDevice.MLX5_PGSZ_BITMAP;

    /** Direct-mapped segments for whole-page runs {pfn, pages} at consecutive virtual addresses. */
    private static DmaSegments segments(long maxSeg, long va, long... pfnPages) {
        long total = 0;
        for (int i = 1; i < pfnPages.length; i += 2) {
            total += pfnPages[i];
        }
        ScatterList sg = new ScatterList(maxSeg, 0, total << 12);
        long v = va;
        for (int i = 0; i < pfnPages.length; i += 2) {
            sg.run(v, pfnPages[i], pfnPages[i + 1], PageFlags.PRESENT, 12, -1);
            v += pfnPages[i + 1] << 12;
        }
        DmaDevice dev = DmaDevice.plain().withMaxSegmentSize(maxSeg);
        return DmaMapper.map(sg, dev, PeerMapping.NONE).segments();
    }

    @Test
    void alignedHugePageGivesTwoMegabytePages() {
        long va = 0x7f0000200000L;
        BestPageSize.Result r = BestPageSize.find(segments(0x80000000L, va, 0x40200, 512), va, 2L << 20, va, BITMAP);
        assertEquals(2L << 20, r.pageSize());
        assertEquals(1, r.dmaBlocks());
        assertTrue(r.why().contains("extent"), r.why());
    }

    @Test
    void virtualAndPhysicalAddressesDisagreeingInBit12GiveFourKilobytePages() {
        long va = 0x7f0000201000L;
        BestPageSize.Result r = BestPageSize.find(segments(0x80000000L, va, 0x40000, 2), va, 0x2000, va, BITMAP);
        assertEquals(0x1000, r.pageSize());
        assertEquals(2, r.dmaBlocks());
        assertTrue(r.why().contains("low 12 bits"), r.why());
    }

    @Test
    void aPhysicalDiscontinuityLimitsThePageSizeToTheAlignmentOfItsVirtualAddress() {
        long va = 0x7f0000000000L;
        BestPageSize.Result r = BestPageSize.find(segments(0x80000000L, va, 0x40000, 512, 0x80200, 512), va, 4L << 20,
                va, BITMAP);
        assertEquals(2L << 20, r.pageSize());
        assertEquals(2, r.dmaBlocks());
        assertTrue(r.why().contains("segment 1"), r.why());
    }

    @Test
    void segmentsSplitOnlyByTheMaximumSegmentSizeDoNotLimitThePageSize() {
        // 64 KiB segments of one physically contiguous 4 MiB stretch: v6.16 no longer ORs their
        // end addresses in, so 4 MiB pages work.
        long va = 0x7f0000000000L;
        DmaSegments s = segments(0x10000, va, 0x40000, 1024);
        assertEquals(64, s.size());
        BestPageSize.Result r = BestPageSize.find(s, va, 4L << 20, va, BITMAP);
        assertEquals(4L << 20, r.pageSize());
        assertEquals(1, r.dmaBlocks());
    }

    @Test
    void aBitmapWithoutSmallPagesCanFindNothing() {
        long va = 0x7f0000201000L;
        BestPageSize.Result r = BestPageSize.find(segments(0x80000000L, va, 0x40000, 2), va, 0x2000, va, 0xffe00000L);
        assertEquals(0, r.pageSize());
        assertEquals(0, r.dmaBlocks());
    }

    @Test
    void unknownDmaAddressesGiveNoAnswer() {
        ScatterList sg = new ScatterList(0x10000, 0, 0x1000);
        sg.run(0x7f0000000000L, RunSink.NO_PFN, 1, PageFlags.PRESENT | PageFlags.PFN_UNKNOWN, 12, -1);
        DmaSegments s = DmaMapper.map(sg, DmaDevice.plain(), PeerMapping.NONE).segments();
        assertEquals(-1, BestPageSize.find(s, 0x7f0000000000L, 0x1000, 0x7f0000000000L, BITMAP).pageSize());
    }

    @Test
    void numberOfDmaBlocks() {
        assertEquals(2, BestPageSize.numDmaBlocks(0x1000, 0x2000, 0x1000));
        assertEquals(2, BestPageSize.numDmaBlocks(0x1800, 0x1000, 0x1000));
        assertEquals(3, BestPageSize.numDmaBlocks(0x1ff000, 0x202000, 0x200000));
    }
}
