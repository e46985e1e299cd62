package org.dmascope.core.tests.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.core.chain.DmaDevice;
import org.dmascope.core.chain.DmaMapper;
import org.dmascope.core.chain.DmaSegments;
import org.dmascope.core.chain.PeerMapping;
import org.dmascope.core.chain.ScatterList;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.junit.jupiter.api.Test;

/** sg_alloc_append_table_from_pages() (lib/scatterlist.c): what merges, where entries split. */
class ScatterListTest {

    private static final int P = PageFlags.PRESENT;
    private static final long VA = 0x7f0000000000L;

    private static ScatterList build(long maxSeg, long totalPages, long[]... runs) {
        ScatterList sg = new ScatterList(maxSeg, 0, totalPages << 12);
        long va = VA;
        for (long[] r : runs) {
            sg.run(va, r[0], r[1], P, 12, r.length > 2 ? (int) r[2] : -1);
            va += r[1] << 12;
        }
        return sg;
    }

    @Test
    void contiguousPagesMergeUpToMaxSegment() {
        ScatterList sg = build(0x10000, 17, new long[] {0x1000, 17});
        assertEquals(2, sg.size());
        assertEquals(0x10000, sg.length(0));
        assertEquals(0x1000, sg.length(1));
        assertEquals(0x1010L << 12, sg.phys(1));
        assertEquals(1, sg.breaksAtMaxSegment());
        assertEquals(0, sg.breaksAtPfn());
    }

    @Test
    void exactlyOneMaxSegmentIsOneEntry() {
        ScatterList sg = build(0x10000, 16, new long[] {0x1000, 16});
        assertEquals(1, sg.size());
        assertEquals(0, sg.breaksAtMaxSegment());
    }

    @Test
    void aPfnGapStartsAnEntry() {
        ScatterList sg = build(0x80000000L, 8, new long[] {0x1000, 4}, new long[] {0x2000, 4});
        assertEquals(2, sg.size());
        assertEquals(1, sg.breaksAtPfn());
        assertEquals(0x2000L << 12, sg.phys(1));
    }

    @Test
    void runsThatContinueThePfnsMergeAcrossAppends() {
        ScatterList sg = build(0x80000000L, 8, new long[] {0x1000, 4}, new long[] {0x1004, 4});
        assertEquals(1, sg.size());
        assertEquals(0x8000, sg.length(0));
    }

    @Test
    void differentPgmapsDoNotMergeEvenWhenPfnsFollow() {
        ScatterList sg = build(0x80000000L, 4, new long[] {0x1000, 2, -1}, new long[] {0x1002, 2, 3});
        assertEquals(2, sg.size());
        assertEquals(1, sg.breaksAtPgmap());
        assertEquals(3, sg.pgmap(1));
    }

    @Test
    void maxSegmentIsAlignedDownToAPage() {
        ScatterList sg = build(0x1fff, 3, new long[] {0x1000, 3});
        assertEquals(0x1000, sg.maxSegment());
        assertEquals(3, sg.size());
        assertThrows(IllegalArgumentException.class, () -> new ScatterList(0xfff, 0, 4096));
    }

    @Test
    void unknownPfnsFormEntriesOfTheirOwn() {
        ScatterList sg = new ScatterList(0x80000000L, 0, 6L << 12);
        sg.run(VA, 0x1000, 2, P, 12, -1);
        sg.run(VA + 0x2000, RunSink.NO_PFN, 2, P | PageFlags.PFN_UNKNOWN, 12, -1);
        sg.run(VA + 0x4000, 0x1002, 2, P, 12, -1);
        assertEquals(3, sg.size());
        assertEquals(-1, sg.phys(1));
        assertEquals(2, sg.unknownPages());
    }

    @Test
    void theFirstEntryCarriesTheOffsetAndTheLastIsCutToTheTotal() {
        ScatterList sg = new ScatterList(0x80000000L, 0x100, 0x1800);
        sg.run(VA, 0x1000, 1, P, 12, -1);
        sg.run(VA + 0x1000, 0x3000, 1, P, 12, -1);
        assertEquals(0x100, sg.offset(0));
        assertEquals(0, sg.offset(1));
        assertEquals(0xf00, sg.length(0));
        assertEquals(0x900, sg.length(1));
        assertEquals((0x1000L << 12) + 0x100, sg.phys(0));
    }

    @Test
    void anEntryHoldsTheLargestSegmentAtTheHighestPfn() {
        // max_segment just below 4 GiB: 0xfffff pages in one entry, at PFNs near 2^43 (physical 2^55).
        long pfn = (1L << 43) - 0x100000;
        ScatterList sg = build(0xffffffffL, 0xfffff + 1, new long[] {pfn, 0xfffff}, new long[] {pfn + 0xfffff, 1});
        assertEquals(2, sg.size());
        assertEquals(0xfffff, sg.pages(0));
        assertEquals(0xfffff000L, sg.length(0));
        assertEquals(pfn << 12, sg.phys(0));
        assertEquals(pfn + 0xfffff, sg.pfn(1));
        assertEquals(1, sg.breaksAtMaxSegment());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> build(0x10000, 1, new long[] {1L << 43, 1}));
        assertTrue(e.getMessage().contains("0x80000000000"), e.getMessage());
    }

    @Test
    void entriesPastTheFirstBlocksKeepTheirPfnsAndLengths() {
        // 2 Mi + 3 single-page entries (every other frame): the entries fill two blocks of
        // 1 Mi and start a third; the last is cut to the total, 0x800 short of its page.
        int n = (2 << 20) + 3;
        long total = ((long) n << 12) - 0x800;
        ScatterList sg = new ScatterList(0x10000, 0, total);
        for (int i = 0; i < n; i++) {
            sg.run(0x7f0000000000L + ((long) i << 12), 0x100000 + 2L * i, 1, PageFlags.PRESENT, 12, -1);
        }
        assertEquals(n, sg.size());
        for (int i : new int[] {0, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (2 << 20) - 1, 2 << 20, n - 2}) {
            assertEquals(0x100000 + 2L * i, sg.pfn(i), "PFN of entry " + i);
            assertEquals(0x1000, sg.length(i), "length of entry " + i);
        }
        assertEquals(0x100000 + 2L * (n - 1), sg.pfn(n - 1));
        assertEquals(0x800, sg.length(n - 1));
        assertEquals(n - 1, sg.breaksAtPfn());
        // dma-direct reads the same blocks: one segment per entry, at its physical address.
        DmaSegments dma = DmaMapper.map(sg, DmaDevice.plain(), PeerMapping.NONE).segments();
        long[] sum = new long[2];
        assertTrue(dma.visit((i, address, length) -> {
            sum[0] += address == (0x100000 + 2L * i) << 12 ? 1 : 0;
            sum[1] += length;
            return true;
        }));
        assertEquals(n, sum[0], "segments at their entry's physical address");
        assertEquals(total, sum[1]);
    }
}
