package org.dmascope.backend.hmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.dmascope.backend.hmm.HmmBackend;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.Vma;
import org.junit.jupiter.api.Test;

/** The MemoryBackend contract: which VMAs are HMM's and what a long-term pin does to device pages. */
class HmmBackendTest {

    private static final long A = 0x7f0000000000L;

    private static AddressSpace space(PageTable runs, Vma vma) {
        return new AddressSpace(1, "t", List.of(vma), runs, AddressSpace.UNLIMITED, 0, false);
    }

    private static PhysicalMemoryMap physical() {
        return PhysicalMemoryMap.of(List.of(
                new PhysicalMemoryMap.Range(0, 0x100000, PhysicalMemoryMap.Kind.SYSTEM_RAM, "System RAM", null, 0),
                new PhysicalMemoryMap.Range(0x200000, 0x300000, PhysicalMemoryMap.Kind.DEVICE_COHERENT, "gpu", null, 1)));
    }

    @Test
    void vmasWithDeviceMemoryAreHmmsOthersAreNot() throws MemoryReadException {
        HmmBackend b = new HmmBackend();
        Vma vma = Vma.anonymous(A, A + 0x4000, "rw-p");
        PageRuns plain = new PageRuns();
        plain.run(A, 0x1000, 4, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        assertEquals(0, b.handles(space(plain, vma), vma, vma.start(), vma.end(), physical()));
        PageRuns priv = new PageRuns();
        priv.run(A, 0x1000, 2, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        priv.run(A + 0x2000, RunSink.NO_PFN, 2, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE, 12, -1);
        assertEquals(HmmBackend.SCORE, b.handles(space(priv, vma), vma, vma.start(), vma.end(), physical()));
        PageRuns coherent = new PageRuns();
        coherent.run(A, 0x200010, 4, PageFlags.PRESENT | PageFlags.ZONE_DEVICE, 12, 1);
        assertEquals(HmmBackend.SCORE, b.handles(space(coherent, vma), vma, vma.start(), vma.end(), physical()));
        assertTrue(HmmBackend.SCORE > 10, "above the struct page backend");
    }

    /**
     * A table that hands its runs over in batches of three (as the live and synthetic tables
     * batch theirs), counting the runs it handed over before the walk ended.
     */
    private static final class BatchedTable implements PageTable {
        private final PageRuns runs;
        private int handed;

        BatchedTable(PageRuns runs) {
            this.runs = runs;
        }

        @Override
        public void walk(long start, long end, RunSink sink) throws MemoryReadException {
            RunBatch batch = new RunBatch(3, new RunSink() {
                @Override
                public void run(long vaddr, long pfn, long pages, int flags, int shift, int pgmap) {
                    handed++;
                    sink.run(vaddr, pfn, pages, flags, shift, pgmap);
                }

                @Override
                public void runs(RunBatch b) {
                    handed += b.size();
                    sink.runs(b);
                }
            });
            runs.walk(start, end, batch);
            batch.flush();
        }
    }

    // 40 single pages of one state, every other frame from 0x1000, but page 'odd' (when not -1)
    // at frame 'oddPfn' with flags 'oddFlags'.
    private static BatchedTable table(int odd, long oddPfn, int oddFlags) {
        PageRuns runs = new PageRuns();
        int plain = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        for (int i = 0; i < 40; i++) {
            runs.run(A + (i << 12), i == odd ? oddPfn : 0x1000 + 2 * i, 1, i == odd ? oddFlags : plain, 12, -1);
        }
        return new BatchedTable(runs);
    }

    @Test
    void batchedRunsAreTestedAndTheWalkStopsAtTheFirstDevicePage() throws MemoryReadException {
        HmmBackend b = new HmmBackend();
        Vma vma = Vma.anonymous(A, A + (40 << 12), "rw-p");
        int plain = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        BatchedTable none = table(-1, 0, 0);
        assertEquals(0, b.handles(space(none, vma), vma, vma.start(), vma.end(), physical()));
        assertEquals(40, none.handed, "no device page: the whole VMA is looked at");

        BatchedTable priv = table(20, RunSink.NO_PFN, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE);
        assertEquals(HmmBackend.SCORE, b.handles(space(priv, vma), vma, vma.start(), vma.end(), physical()));
        assertEquals(21, priv.handed, "the walk stops at the device-private page (its own batch: another state)");

        // A device-coherent frame among ordinary ones of the same state: found by its PFN.
        BatchedTable coherent = table(13, 0x200010, plain);
        assertEquals(HmmBackend.SCORE, b.handles(space(coherent, vma), vma, vma.start(), vma.end(), physical()));
        assertEquals(15, coherent.handed, "the walk stops after the batch holding it (runs 12 to 14)");
        BatchedTable noCoherentMemory = table(13, 0x200010, plain);
        assertEquals(0, b.handles(space(noCoherentMemory, vma), vma, vma.start(), vma.end(),
                PhysicalMemoryMap.systemRamOnly()), "without device-coherent memory the frame is ordinary");
        assertEquals(40, noCoherentMemory.handed);
    }

    @Test
    void onlyThePagesOfTheRangeCount() throws MemoryReadException {
        HmmBackend b = new HmmBackend();
        Vma vma = Vma.anonymous(A, A + (40 << 12), "rw-p");
        // The device-private page is page 20.
        BatchedTable before = table(20, RunSink.NO_PFN, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE);
        assertEquals(0, b.handles(space(before, vma), vma, A, A + (20 << 12), physical()),
                "a range that ends where the device page starts is ordinary memory");
        assertEquals(20, before.handed, "and only its pages are looked at");
        BatchedTable after = table(20, RunSink.NO_PFN, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE);
        assertEquals(0, b.handles(space(after, vma), vma, A + (21 << 12), A + (40 << 12), physical()));
        assertEquals(19, after.handed);
        BatchedTable inside = table(20, RunSink.NO_PFN, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE);
        assertEquals(HmmBackend.SCORE, b.handles(space(inside, vma), vma, A + (19 << 12) + 0x800, A + (20 << 12) + 1,
                physical()), "a byte of the device page, the range widened to whole pages as the pin widens it");
    }

    @Test
    void aLongTermPinBringsDevicePagesBackFirst() throws MemoryReadException {
        HmmBackend b = new HmmBackend();
        Vma vma = Vma.anonymous(A, A + 0x5000, "rw-p");
        PageRuns runs = new PageRuns();
        runs.run(A, 0x1000, 1, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12, -1);
        runs.run(A + 0x1000, RunSink.NO_PFN, 2, PageFlags.SWAPPED | PageFlags.DEVICE_PRIVATE, 12, -1);
        runs.run(A + 0x3000, 0x200000, 1, PageFlags.PRESENT | PageFlags.ZONE_DEVICE, 12, 1);
        runs.run(A + 0x4000, RunSink.NO_PFN, 1, 0, 12, -1);
        List<long[]> got = new ArrayList<>();
        PinResult r = b.pin(space(runs, vma), vma, A, A + 0x5000, true, physical(),
                (vaddr, pfn, pages, flags, shift, pgmap) -> got.add(new long[] {vaddr, pfn, pages, flags}));
        assertTrue(r.ok(), r.why());
        assertEquals(5, r.pages());
        assertEquals(3, r.migrated());
        assertEquals(1, r.faulted());
        assertEquals(0x1000, got.get(0)[1], "the system page is pinned where it is");
        assertEquals(RunSink.NO_PFN, got.get(1)[1]);
        assertEquals(HmmBackend.MIGRATED_FROM_PRIVATE, (int) got.get(1)[3] & HmmBackend.MIGRATED_FROM_PRIVATE);
        assertEquals(HmmBackend.MIGRATED_FROM_COHERENT, (int) got.get(2)[3] & HmmBackend.MIGRATED_FROM_COHERENT);
        assertEquals(HmmBackend.FAULTED, (int) got.get(3)[3] & HmmBackend.FAULTED);
        PinResult ro = b.pin(space(runs, Vma.anonymous(A, A + 0x5000, "r--p")), Vma.anonymous(A, A + 0x5000, "r--p"),
                A, A + 0x1000, true, physical(), (v, p, n, f, s, g) -> { });
        assertEquals("EFAULT", ro.error());
    }
}
