package org.dmascope.backend.structpage.tests;

import static org.dmascope.backend.structpage.tests.Fixtures.BASE;
import static org.dmascope.backend.structpage.tests.Fixtures.anon;
import static org.dmascope.backend.structpage.tests.Fixtures.at;
import static org.dmascope.backend.structpage.tests.Fixtures.file;
import static org.dmascope.backend.structpage.tests.Fixtures.physical;
import static org.dmascope.backend.structpage.tests.Fixtures.plus;
import static org.dmascope.backend.structpage.tests.Fixtures.range;
import static org.dmascope.backend.structpage.tests.Fixtures.space;
import static org.dmascope.core.memory.PageFlags.DEVICE_PRIVATE;
import static org.dmascope.core.memory.PageFlags.ERROR;
import static org.dmascope.core.memory.PageFlags.EXCLUSIVE;
import static org.dmascope.core.memory.PageFlags.FILE_OR_SHARED;
import static org.dmascope.core.memory.PageFlags.HUGETLB;
import static org.dmascope.core.memory.PageFlags.NO_STRUCT_PAGE;
import static org.dmascope.core.memory.PageFlags.PFN_HIDDEN;
import static org.dmascope.core.memory.PageFlags.PFN_UNKNOWN;
import static org.dmascope.core.memory.PageFlags.PRESENT;
import static org.dmascope.core.memory.PageFlags.REFERENCED;
import static org.dmascope.core.memory.PageFlags.SWAPPED;
import static org.dmascope.core.memory.PageFlags.THP;
import static org.dmascope.core.memory.PageFlags.ZERO_PAGE;
import static org.dmascope.core.memory.PageFlags.ZONE_DEVICE;
import static org.dmascope.core.memory.RunSink.NO_PFN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.backend.structpage.tests.Fixtures.Recorder;
import org.dmascope.backend.structpage.tests.Fixtures.Run;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PageTable;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.VmFlag;
import org.junit.jupiter.api.Test;

/**
 * What a long-term pin does to each page (mm/gup.c follow_page_pte, gup_must_unshare,
 * faultin_page, try_grab_folio, check_and_migrate_movable_pages; mm/memory.c do_anonymous_page,
 * do_wp_page, wp_page_copy), checked against the exact runs the sink receives and the counts.
 */
class PageRulesTest {

    private static final StructPageBackend BACKEND = new StructPageBackend();
    private static final int ANON = PRESENT | EXCLUSIVE;
    private static final int FAULTED = PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.FAULTED;
    private static final int COPIED = PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.COPIED;
    private static final PhysicalMemoryMap RAM = PhysicalMemoryMap.systemRamOnly();

    /** The page table shows device memory: 0x1000000 on is a P2PDMA BAR, then device-private, coherent and a plain BAR. */
    private static final PhysicalMemoryMap DEVICES = physical(
            range(0x1000000, 0x1001000, Kind.PCI_P2PDMA, "0000:41:00.0 BAR 2", 3),
            range(0x2000000, 0x2001000, Kind.DEVICE_PRIVATE, "hmm_dmirror", 4),
            range(0x3000000, 0x3001000, Kind.DEVICE_COHERENT, "amdgpu coherent", 6),
            range(0x4000000, 0x4001000, Kind.PCI_BAR, "0000:41:00.0 BAR 0", 7));

    /**
     * Pins the whole VMA; and again with the table's runs handed over in batches of up to three
     * (RunSink.runs, as a pagemap walk hands them on, which the pin passes on whole when all are
     * of its common path), which must give the same result and the same runs.
     */
    private static PinResult pin(PageTable table, Vma vma, boolean write, PhysicalMemoryMap physical, Recorder sink)
            throws MemoryReadException {
        PinResult r = BACKEND.pin(space(table, vma), vma, vma.start(), vma.end(), write, physical, sink);
        PageTable inBatches = (start, end, out) -> {
            RunBatch batch = new RunBatch(3, out);
            table.walk(start, end, batch);
            batch.flush();
        };
        Recorder batched = new Recorder();
        assertEquals(r, BACKEND.pin(space(inBatches, vma), vma, vma.start(), vma.end(), write, physical, batched),
                "from batches");
        assertEquals(sink.runs, batched.runs, "from batches");
        return r;
    }

    private static void assertCounts(PinResult r, long pages, long faulted, long cowBroken, long migrated) {
        assertEquals(List.of(pages, faulted, cowBroken, migrated),
                List.of(r.pages(), r.faulted(), r.cowBroken(), r.migrated()), r.why());
    }

    private static boolean noteWith(PinResult r, String text) {
        return r.notes().stream().anyMatch(n -> n.contains(text));
    }

    @Test
    void contiguousPfnsMergeAcrossThePageTablesRunsAndSplitAtAGap() throws MemoryReadException {
        // A reader that reports every page on its own: PFNs 1000-1003, then 2000-2003. Pages
        // pinned in place pass on as read, one call each; the sink joins those that continue.
        PageTable perPage = (start, end, sink) -> {
            for (int i = 0; i < 8; i++) {
                sink.run(at(i), i < 4 ? 1000 + i : 2000 + i - 4, 1, ANON, 12, -1);
            }
        };
        Recorder sink = new Recorder();
        PinResult r = pin(perPage, anon(8, "rw-p"), true, RAM, sink);
        assertNull(r.error(), r.why());
        assertEquals(8, sink.calls);
        assertEquals(List.of(new Run(BASE, 1000, 4, ANON, 12, -1), new Run(at(4), 2000, 4, ANON, 12, -1)), sink.runs);
        assertCounts(r, 8, 0, 0, 0);
        assertTrue(r.why().startsWith("pin_user_pages_fast(FOLL_LONGTERM|FOLL_WRITE) pinned 8 pages"), r.why());
        assertTrue(noteWith(r, "ZONE_MOVABLE or CMA"), r.notes().toString());
    }

    @Test
    void faultedPagesJoinInTheBackendAndKeepTheirPlaceBetweenPresentOnes() throws MemoryReadException {
        // Absent, absent, present, absent, device-private, present, present: the pages brought in
        // by faults (their new PFNs unknown) are joined by the pin itself where their state is one,
        // and each comes out before the present pages that follow it.
        PageRuns table = new PageRuns();
        table.run(at(2), 1002, 1, ANON, 12, -1);
        table.run(at(4), 0x2000000, 1, DEVICE_PRIVATE, 12, 4); // the device-private entry: not present
        table.run(at(5), 1005, 2, ANON, 12, -1);
        PageTable split = (start, end, sink) -> {
            sink.run(BASE, NO_PFN, 1, 0, 12, -1);
            sink.run(at(1), NO_PFN, 1, 0, 12, -1);
            table.walk(at(2), end, sink);
        };
        Recorder sink = new Recorder();
        PinResult r = pin(split, anon(7, "rw-p"), true, DEVICES, sink);
        assertNull(r.error(), r.why());
        int migrated = PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.MIGRATED;
        assertEquals(List.of(new Run(BASE, NO_PFN, 2, FAULTED, 12, -1), new Run(at(2), 1002, 1, ANON, 12, -1),
                new Run(at(3), NO_PFN, 1, FAULTED, 12, -1), new Run(at(4), NO_PFN, 1, migrated, 12, -1),
                new Run(at(5), 1005, 2, ANON, 12, -1)), sink.runs);
        assertCounts(r, 7, 3, 0, 1);
    }

    @Test
    void pagesOfAnotherStateDoNotMerge() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 1000, 2, ANON, 12, -1);
        table.run(at(2), 1002, 2, ANON | REFERENCED, 12, -1);
        Recorder sink = new Recorder();
        pin(table, anon(4, "rw-p"), true, RAM, sink);
        assertEquals(List.of(new Run(BASE, 1000, 2, ANON, 12, -1), new Run(at(2), 1002, 2, ANON | REFERENCED, 12, -1)),
                sink.runs);
    }

    @Test
    void absentPagesAreFaultedInWithoutPfn() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 500, 2, ANON, 12, -1);
        table.run(at(6), 700, 2, ANON, 12, -1);
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(8, "rw-p"), true, RAM, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, 500, 2, ANON, 12, -1), new Run(at(2), NO_PFN, 4, FAULTED, 12, -1),
                new Run(at(6), 700, 2, ANON, 12, -1)), sink.runs);
        assertCounts(r, 8, 4, 0, 0);
        assertFalse(noteWith(r, "zero page"), r.notes().toString());
    }

    @Test
    void readPinOfUntouchedPrivateAnonymousMemoryDoesNotKeepTheZeroPage() throws MemoryReadException {
        Recorder sink = new Recorder();
        PinResult r = pin(new PageRuns(), anon(4, "rw-p"), false, RAM, sink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 4, FAULTED, 12, -1)), sink.runs);
        assertEquals(0, sink.runs.get(0).flags() & ZERO_PAGE);
        assertCounts(r, 4, 4, 0, 0);
        assertTrue(noteWith(r, "gup_must_unshare() asks for FAULT_FLAG_UNSHARE"), r.notes().toString());
    }

    @Test
    void readPinOfUntouchedPrivateFilePagesCopiesThePageCache() throws MemoryReadException {
        Recorder sink = new Recorder();
        PinResult r = pin(new PageRuns(), file(2, "r--p", "/usr/lib/libdata.so", "08:01"), false, RAM, sink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 2, FAULTED, 12, -1)), sink.runs);
        assertCounts(r, 2, 2, 0, 0);
        assertTrue(noteWith(r, "page cache page, then gup_must_unshare()"), r.notes().toString());
    }

    @Test
    void untouchedPagesOfASharedMappingFaultInAsSharedPages() throws MemoryReadException {
        Recorder sink = new Recorder();
        PinResult r = pin(new PageRuns(), file(3, "rw-s", "/dev/shm/ring", "00:19"), true, RAM, sink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 3,
                PRESENT | PFN_UNKNOWN | FILE_OR_SHARED | StructPageBackend.FAULTED, 12, -1)), sink.runs);
        assertCounts(r, 3, 3, 0, 0);
    }

    @Test
    void swappedPagesAreSwappedInAndTheirSwapEntryIsNoPfn() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0x1000010, 2, SWAPPED, 12, -1); // a swap entry that would read as a P2PDMA PFN
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(2, "rw-p"), true, DEVICES, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, NO_PFN, 2, PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.SWAPPED_IN,
                12, -1)), sink.runs);
        assertCounts(r, 2, 2, 0, 0);
        assertTrue(noteWith(r, "swapped in"), r.notes().toString());
    }

    @Test
    void pagesSharedCopyOnWriteAreCopiedForWriteAndUnsharedForRead() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 300, 4, PRESENT, 12, -1); // mapped by a forked child too
        table.run(at(4), 304, 2, ANON, 12, -1);
        for (boolean write : new boolean[] {true, false}) {
            Recorder sink = new Recorder();
            PinResult r = pin(table, anon(6, "rw-p"), write, RAM, sink);
            assertNull(r.error(), r.why());
            assertEquals(List.of(new Run(BASE, NO_PFN, 4, COPIED, 12, -1), new Run(at(4), 304, 2, ANON, 12, -1)),
                    sink.runs);
            assertCounts(r, 6, 0, 4, 0);
            assertTrue(noteWith(r, write ? "wp_page_copy" : "FAULT_FLAG_UNSHARE"), r.notes().toString());
        }
    }

    @Test
    void theZeroPageInAPrivateMappingIsReplacedForWriteAndRead() throws MemoryReadException {
        PageRuns table = new PageRuns();
        for (int i = 0; i < 3; i++) {
            table.run(at(i), 0x2a5, 1, PRESENT | ZERO_PAGE, 12, -1); // one PFN mapped three times
        }
        assertEquals(3, table.size());
        for (boolean write : new boolean[] {true, false}) {
            Recorder sink = new Recorder();
            PinResult r = pin(table, anon(3, "rw-p"), write, RAM, sink);
            assertEquals(List.of(new Run(BASE, NO_PFN, 3, COPIED, 12, -1)), sink.runs);
            assertCounts(r, 3, 0, 3, 0);
        }
    }

    @Test
    void theZeroPageOutsideACowMappingIsKeptForReadButNeverForWrite() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0x2a5, 1, PRESENT | ZERO_PAGE, 12, -1);
        // A MAP_SHARED mapping shows the zero page only for a hole of an fs-dax file; with no fs-dax PFN
        // in sight the file is not known to be fs-dax, and follow_page_pte() returns the zero page.
        Recorder read = new Recorder();
        PinResult r = pin(table, file(1, "r--s", "/mnt/pmem/sparse", "259:1"), false, RAM, read);
        assertEquals(List.of(new Run(BASE, 0x2a5, 1, PRESENT | ZERO_PAGE, 12, -1)), read.runs);
        assertCounts(r, 1, 0, 0, 0);
        // Its PTE is never writable: a write pin always gets another page.
        Recorder write = new Recorder();
        r = pin(table, file(1, "rw-s", "/dev/shm/ring", "00:19"), true, RAM, write);
        assertEquals(List.of(new Run(BASE, NO_PFN, 1, PRESENT | PFN_UNKNOWN | FILE_OR_SHARED | StructPageBackend.COPIED,
                12, -1)), write.runs);
        assertCounts(r, 1, 0, 1, 0);
    }

    @Test
    void pageCachePagesOfAPrivateFileMappingAreCopiedButKeptInASharedOne() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 900, 2, PRESENT | FILE_OR_SHARED, 12, -1);
        Recorder privateSink = new Recorder();
        PinResult r = pin(table, file(2, "r--p", "/usr/lib/libdata.so", "08:01"), false, RAM, privateSink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 2, COPIED, 12, -1)), privateSink.runs);
        assertCounts(r, 2, 0, 2, 0);
        // Without VM_MAYWRITE (smaps says so) the private mapping is no COW mapping: nothing to unshare.
        Recorder noCow = new Recorder();
        r = pin(table, plus(file(2, "r--p", "/usr/lib/libdata.so", "08:01"), VmFlag.MAY_READ), false, RAM, noCow);
        assertEquals(List.of(new Run(BASE, 900, 2, PRESENT | FILE_OR_SHARED, 12, -1)), noCow.runs);
        Recorder sharedSink = new Recorder();
        r = pin(table, file(2, "rw-s", "/memfd:pool (deleted)", "00:01"), true, RAM, sharedSink);
        assertEquals(List.of(new Run(BASE, 900, 2, PRESENT | FILE_OR_SHARED, 12, -1)), sharedSink.runs);
        assertCounts(r, 2, 0, 0, 0);
    }

    @Test
    void p2pdmaPageStopsThePinWithEremoteioAfterThePagesBeforeIt() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 2, ANON, 12, -1);
        // page 2 absent
        table.run(at(3), 0x1000000, 2, PRESENT | FILE_OR_SHARED | ZONE_DEVICE, 12, 3);
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(5, "rw-p"), true, DEVICES, sink);
        assertEquals("EREMOTEIO", r.error());
        assertTrue(r.why().contains("0x7f0000003000"), r.why());
        assertTrue(r.why().contains("FOLL_PCI_P2PDMA") && r.why().contains("0000:41:00.0 BAR 2"), r.why());
        assertEquals(List.of(new Run(BASE, 100, 2, ANON, 12, -1), new Run(at(2), NO_PFN, 1, FAULTED, 12, -1)), sink.runs);
        assertCounts(r, 3, 1, 0, 0);
    }

    @Test
    void aRunIsCutWhereThePhysicalMemoryChangesKind() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0xffffe, 4, ANON, 12, -1); // two RAM pages, then the P2PDMA BAR
        Recorder sink = new Recorder();
        PhysicalMemoryMap map = physical(range(0x100000, 0x100100, Kind.PCI_P2PDMA, "0000:41:00.0 BAR 4", 1));
        PinResult r = pin(table, anon(4, "rw-p"), false, map, sink);
        assertEquals("EREMOTEIO", r.error());
        assertTrue(r.why().contains("0x7f0000002000"), r.why());
        assertEquals(List.of(new Run(BASE, 0xffffe, 2, ANON, 12, -1)), sink.runs);
        assertCounts(r, 2, 0, 0, 0);
    }

    @Test
    void devicePrivatePagesAreMigratedBackToRam() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0x2000000, 2, DEVICE_PRIVATE, 12, 4); // the device-private entry: not present
        table.run(at(2), 0x2000002, 1, ANON | ZONE_DEVICE, 12, 4); // flag missing, the PFN says so
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(3, "rw-p"), true, DEVICES, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, NO_PFN, 3, PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.MIGRATED, 12,
                -1)), sink.runs);
        assertCounts(r, 3, 0, 0, 3);
        assertTrue(noteWith(r, "migrate_to_ram"), r.notes().toString());
    }

    @Test
    void deviceCoherentPagesAreNotLongtermPinnableAndAreMigrated() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 1, ANON, 12, -1);
        table.run(at(1), 0x3000000, 2, ANON | ZONE_DEVICE, 12, 6);
        table.run(at(3), 0x2fffff0, 1, ANON, 12, -1); // back below the device's range: RAM again
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(4, "rw-p"), false, DEVICES, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, 100, 1, ANON, 12, -1), new Run(at(1), NO_PFN, 2,
                PRESENT | PFN_UNKNOWN | EXCLUSIVE | StructPageBackend.MIGRATED, 12, -1),
                new Run(at(3), 0x2fffff0, 1, ANON, 12, -1)), sink.runs);
        assertCounts(r, 4, 0, 0, 2);
        assertTrue(noteWith(r, "folio_is_longterm_pinnable"), r.notes().toString());
    }

    @Test
    void pfnsWithoutStructPageGiveEexist() throws MemoryReadException {
        Vma mixed = plus(file(3, "rw-s", "/dev/fb0", "29:00"), VmFlag.MIXEDMAP);
        PageRuns flagged = new PageRuns();
        flagged.run(BASE, 100, 1, PRESENT | FILE_OR_SHARED, 12, -1);
        flagged.run(at(1), 0x5000000, 1, PRESENT | NO_STRUCT_PAGE, 12, -1);
        Recorder sink = new Recorder();
        PinResult r = pin(flagged, mixed, true, DEVICES, sink);
        assertEquals("EEXIST", r.error());
        assertTrue(r.why().startsWith("follow_page_pte: the PTE at 0x7f0000001000"), r.why());
        assertEquals(List.of(new Run(BASE, 100, 1, PRESENT | FILE_OR_SHARED, 12, -1)), sink.runs);
        // A PFN in a BAR without a page map has no struct page either.
        PageRuns bar = new PageRuns();
        bar.run(BASE, 0x4000000, 1, PRESENT, 12, -1);
        r = pin(bar, mixed, false, DEVICES, new Recorder());
        assertEquals("EEXIST", r.error());
        assertCounts(r, 0, 0, 0, 0);
    }

    @Test
    void unreadablePageTableEntryGivesEfault() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 1, ANON, 12, -1);
        table.run(at(1), NO_PFN, 1, ERROR, 12, -1);
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(2, "rw-p"), true, RAM, sink);
        assertEquals("EFAULT", r.error());
        assertTrue(r.why().contains("0x7f0000001000"), r.why());
        assertEquals(List.of(new Run(BASE, 100, 1, ANON, 12, -1)), sink.runs);
    }

    @Test
    void fsdaxPageThatAppearsAfterTheVmaCheckIsNotPinned() throws MemoryReadException {
        // A live process: the VMA check's read sees nothing mapped, the pin's read finds an fs-dax page.
        PhysicalMemoryMap pmem = physical(range(0x200000, 0x300000, Kind.FS_DAX, "namespace0.0", 5));
        int[] reads = {0};
        PageTable live = (start, end, sink) -> {
            if (reads[0]++ > 0) {
                sink.run(BASE, 0x200000, 1, PRESENT | FILE_OR_SHARED | ZONE_DEVICE, 12, 5);
            } else {
                sink.run(BASE, NO_PFN, 1, 0, 12, -1);
            }
        };
        // (A table that changes between reads: pinned once, not again from batches.)
        Vma vma = file(1, "rw-s", "/mnt/pmem/table", "259:1");
        PinResult r = BACKEND.pin(space(live, vma), vma, vma.start(), vma.end(), false, pmem, new Recorder());
        assertEquals(2, reads[0]);
        assertEquals("EOPNOTSUPP", r.error());
        assertTrue(r.why().startsWith("folio_is_longterm_pinnable: the page at 0x7f0000000000 is fs-dax"), r.why());
    }

    @Test
    void thpPinsAsItIsKeepingItsPageSize() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0x40000, 512, ANON | THP, 21, -1);
        table.run(BASE + (1 << 21), 0x80000, 512, ANON | THP, 21, -1);
        Vma vma = Vma.anonymous(BASE, BASE + (2 << 21), "rw-p");
        Recorder whole = new Recorder();
        PinResult r = BACKEND.pin(space(table, vma), vma, BASE, BASE + (2 << 21), true, RAM, whole);
        assertEquals(List.of(new Run(BASE, 0x40000, 512, ANON | THP, 21, -1),
                new Run(BASE + (1 << 21), 0x80000, 512, ANON | THP, 21, -1)), whole.runs);
        assertCounts(r, 1024, 0, 0, 0);
        // Part of one: from the second 4 KiB page, two pages.
        Recorder part = new Recorder();
        r = BACKEND.pin(space(table, vma), vma, at(1), at(3), false, RAM, part);
        assertEquals(List.of(new Run(at(1), 0x40001, 2, ANON | THP, 21, -1)), part.runs);
        assertCounts(r, 2, 0, 0, 0);
    }

    @Test
    void aSharedThpIsCopiedAsSmallPages() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0x40000, 512, PRESENT | THP, 21, -1);
        Vma vma = Vma.anonymous(BASE, BASE + (1 << 21), "rw-p");
        Recorder sink = new Recorder();
        PinResult r = pin(table, vma, true, RAM, sink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 512, COPIED, 12, -1)), sink.runs);
        assertCounts(r, 512, 0, 512, 0);
        assertTrue(noteWith(r, "do_huge_pmd_wp_page"), r.notes().toString());
    }

    @Test
    void hugetlbPagesPinAsTheyAreAndFaultInAsHugePages() throws MemoryReadException {
        long gib = 1L << 30;
        Vma vma = plus(new Vma(BASE, BASE + 2 * gib, Vma.parsePermissions("rw-s"), 0, "00:2f", 77, "/dev/hugepages/buf",
                gib), VmFlag.HUGETLB);
        PageRuns table = new PageRuns();
        table.run(BASE, 0x100000, gib >> 12, PRESENT | FILE_OR_SHARED | HUGETLB, 30, -1);
        Recorder sink = new Recorder();
        PinResult r = pin(table, vma, true, RAM, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, 0x100000, gib >> 12, PRESENT | FILE_OR_SHARED | HUGETLB, 30, -1),
                new Run(BASE + gib, NO_PFN, gib >> 12, PRESENT | PFN_UNKNOWN | FILE_OR_SHARED | HUGETLB
                        | StructPageBackend.FAULTED, 30, -1)), sink.runs);
        assertCounts(r, 2 * (gib >> 12), gib >> 12, 0, 0);
    }

    @Test
    void aSharedPrivateHugetlbPageIsCopiedAsAHugePage() throws MemoryReadException {
        long twoMib = 1L << 21;
        Vma vma = new Vma(BASE, BASE + twoMib, Vma.parsePermissions("rw-p"), 0, "00:10", 78, "/anon_hugepage (deleted)",
                twoMib);
        PageRuns table = new PageRuns();
        table.run(BASE, 0x40000, 512, PRESENT | HUGETLB, 21, -1);
        Recorder sink = new Recorder();
        PinResult r = pin(table, vma, false, RAM, sink);
        assertEquals(List.of(new Run(BASE, NO_PFN, 512, COPIED | HUGETLB, 21, -1)), sink.runs);
        assertCounts(r, 512, 0, 512, 0);
    }

    @Test
    void hiddenPfnsKeepPresenceAndSaySo() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 0, 2, ANON | PFN_HIDDEN, 12, -1); // pagemap without CAP_SYS_ADMIN reads PFN 0
        table.run(at(2), NO_PFN, 1, ANON, 12, -1);
        // PFN 0 is not looked up: were it, it would be P2PDMA memory here.
        PhysicalMemoryMap map = physical(range(0, 0x100, Kind.PCI_P2PDMA, "0000:41:00.0 BAR 2", 1));
        Recorder sink = new Recorder();
        PinResult r = pin(table, anon(3, "rw-p"), true, map, sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, NO_PFN, 3, ANON | PFN_HIDDEN, 12, -1)), sink.runs);
        assertCounts(r, 3, 0, 0, 0);
        assertTrue(noteWith(r, "PFNs hidden"), r.notes().toString());
        assertFalse(noteWith(r, "ZONE_MOVABLE"), r.notes().toString());
    }

    @Test
    void theRangeIsWidenedToWholePagesAndMustLieInTheVma() throws MemoryReadException {
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 4, ANON, 12, -1);
        Vma vma = anon(4, "rw-p");
        Recorder sink = new Recorder();
        PinResult r = BACKEND.pin(space(table, vma), vma, BASE + 10, at(1) + 1, true, RAM, sink);
        assertEquals(List.of(new Run(BASE, 100, 2, ANON, 12, -1)), sink.runs);
        assertCounts(r, 2, 0, 0, 0);
        assertThrows(IllegalArgumentException.class,
                () -> BACKEND.pin(space(table, vma), vma, BASE, at(5), true, RAM, new Recorder()));
        assertThrows(IllegalArgumentException.class,
                () -> BACKEND.pin(space(table, vma), vma, at(2), at(2), true, RAM, new Recorder()));
    }
}
