package org.dmascope.backend.structpage.tests;

import static org.dmascope.backend.structpage.tests.Fixtures.BASE;
import static org.dmascope.backend.structpage.tests.Fixtures.space;
import static org.dmascope.core.memory.PageFlags.EXCLUSIVE;
import static org.dmascope.core.memory.PageFlags.PRESENT;
import static org.dmascope.core.memory.PageFlags.THP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.backend.structpage.tests.Fixtures.Counter;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.Vma;
import org.junit.jupiter.api.Test;

/**
 * A 64 GiB region (16 Mi base pages) streams through as runs: the sink receives one call per
 * THP, or one call in all where the state allows, never one per page.
 */
class StreamingTest {

    private static final StructPageBackend BACKEND = new StructPageBackend();
    private static final long SIZE = 64L << 30;
    private static final long THPS = SIZE >> 21;
    private static final long PAGES = SIZE >> 12;
    private static final Vma VMA = Vma.anonymous(BASE, BASE + SIZE, "rw-p");
    private static final int STATE = PRESENT | EXCLUSIVE | THP;

    private static PinResult pin(PageTable table, Counter sink) throws MemoryReadException {
        return BACKEND.pin(space(table, VMA), VMA, BASE, BASE + SIZE, true, PhysicalMemoryMap.systemRamOnly(), sink);
    }

    @Test
    void scatteredThpsGiveOneRunEach() throws MemoryReadException {
        PageRuns table = new PageRuns((int) THPS);
        for (long i = 0; i < THPS; i++) {
            table.run(BASE + (i << 21), 0x100000 + i * 1024, 512, STATE, 21, -1); // every other 2 MiB frame
        }
        assertEquals(THPS, table.size());
        Counter sink = new Counter(BASE);
        PinResult r = pin(table, sink);
        assertNull(r.error(), r.why());
        assertEquals(32768, sink.runs);
        assertEquals(PAGES, sink.pages);
        assertEquals(16L << 20, r.pages());
        assertTrue(sink.ordered);
    }

    @Test
    void physicallyContiguousThpsPassOnePerThpAndMergeInTheSink() throws MemoryReadException {
        // A reader that reports each THP on its own, with PFNs that follow each other: the pin
        // passes each on as it comes (one call per THP, never per page), and a sink that keeps
        // runs joins them into one.
        PageTable perThp = (start, end, sink) -> {
            for (long va = start; va < end; va += 1 << 21) {
                sink.run(va, 0x100000 + ((va - BASE) >> 12), 512, STATE, 21, -1);
            }
        };
        Counter sink = new Counter(BASE);
        PinResult r = pin(perThp, sink);
        assertNull(r.error(), r.why());
        assertEquals(THPS, sink.runs);
        assertEquals(PAGES, sink.pages);
        assertTrue(sink.ordered);
        PageRuns kept = new PageRuns();
        assertNull(BACKEND.pin(space(perThp, VMA), VMA, BASE, BASE + SIZE, true, PhysicalMemoryMap.systemRamOnly(), kept)
                .error());
        assertEquals(1, kept.size());
        assertEquals(PAGES, kept.pages(0));
    }

    @Test
    void untouchedMemoryFaultsInAsOneRun() throws MemoryReadException {
        Counter sink = new Counter(BASE);
        PinResult r = pin(new PageRuns(), sink);
        assertEquals(1, sink.runs);
        assertEquals(PAGES, r.faulted());
        assertEquals(PAGES, r.pages());
    }
}
