package org.dmascope.core.tests.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.SyntheticPageTable;
import org.junit.jupiter.api.Test;

/**
 * The SYNTHETIC page table of the resolve benchmarks: fragmented pages come in batches that its
 * walk fills itself ({@link RunBatch#fill}), one run per page on every other frame, and a walk
 * of part of the region gives exactly that part.
 */
class SyntheticPageTableTest {

    private static final long VA = SyntheticPageTable.VA;

    /** Records runs, and the size of each batch they came in. */
    private static final class Recorder implements RunSink {
        final List<long[]> runs = new ArrayList<>();
        final List<Integer> batches = new ArrayList<>();
        int flags = -1;

        @Override
        public void run(long vaddr, long pfn, long pages, int state, int pageShift, int pgmap) {
            runs.add(new long[] {vaddr, pfn, pages, pageShift, pgmap});
            flags = state;
        }

        @Override
        public void runs(RunBatch batch) {
            batches.add(batch.size());
            assertEquals(batch.end() - batch.vaddr() >>> 12, batch.pages());
            RunSink.super.runs(batch);
        }
    }

    @Test
    void fragmentedPagesComeAsFilledBatchesOfOneRunPerPage() {
        Recorder r = new Recorder();
        new SyntheticPageTable(1000, true).walk(VA, VA + (1000L << 12), r);
        assertEquals(List.of(256, 256, 256, 232), r.batches);
        assertEquals(1000, r.runs.size());
        for (int i = 0; i < 1000; i++) {
            long[] run = r.runs.get(i);
            assertEquals(VA + ((long) i << 12), run[0], "run " + i);
            assertEquals(SyntheticPageTable.BASE_PFN + 2L * i, run[1], "run " + i);
            assertEquals(1, run[2]);
            assertEquals(12, run[3]);
            assertEquals(-1, run[4]);
        }
        assertEquals(PageFlags.PRESENT | PageFlags.EXCLUSIVE, r.flags);
    }

    @Test
    void aWalkOfPartOfTheRegionGivesThatPart() {
        Recorder r = new Recorder();
        // From below the region (which starts at page 0) to page 300.
        new SyntheticPageTable(1000, true).walk(VA - (5L << 12), VA + (300L << 12), r);
        assertEquals(300, r.runs.size());
        r = new Recorder();
        new SyntheticPageTable(1000, true).walk(VA + (10L << 12), VA + (20L << 12), r);
        assertEquals(10, r.runs.size());
        assertEquals(SyntheticPageTable.BASE_PFN + 20, r.runs.get(0)[1]);
        r = new Recorder();
        new SyntheticPageTable(1000, false).walk(VA + (10L << 12), VA + (20L << 12), r);
        assertEquals(1, r.runs.size());
        assertEquals(10, r.runs.get(0)[2]);
        assertEquals(21, r.runs.get(0)[3]);
        assertEquals(List.of(), r.batches);
    }

    @Test
    void aFilledBatchMustBeEmptyFirstAndTakeOneToItsCapacity() {
        Recorder r = new Recorder();
        RunBatch batch = new RunBatch(4, r);
        batch.pfns()[0] = 7;
        batch.pageCounts()[0] = 3;
        batch.pfns()[1] = 20;
        batch.pageCounts()[1] = 1;
        batch.fill(0x1000, 2, PageFlags.PRESENT, 12, -1);
        assertEquals(0x5000, batch.end());
        assertEquals(4, batch.pages());
        assertThrows(IllegalStateException.class, () -> batch.fill(0x9000, 1, PageFlags.PRESENT, 12, -1));
        batch.flush();
        assertEquals(List.of(2), r.batches);
        assertEquals(0x4000, r.runs.get(1)[0]);
        assertThrows(IllegalArgumentException.class, () -> batch.fill(0x9000, 0, PageFlags.PRESENT, 12, -1));
        assertThrows(IllegalArgumentException.class, () -> batch.fill(0x9000, 5, PageFlags.PRESENT, 12, -1));
        // A run that continues the filled batch joins it.
        batch.pfns()[0] = 30;
        batch.pageCounts()[0] = 1;
        batch.fill(0x9000, 1, PageFlags.PRESENT, 12, -1);
        batch.run(0xa000, 40, 2, PageFlags.PRESENT, 12, -1);
        batch.flush();
        assertEquals(List.of(2, 2), r.batches);
    }
}
