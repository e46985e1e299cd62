package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.PhysicalMemoryMap.Range;
import org.dmascope.core.memory.RunBatch;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.topology.PciAddress;
import org.dmascope.sources.proc.KPageFlags;
import org.dmascope.sources.proc.LiveProcess;
import org.dmascope.sources.proc.Pagemap;
import org.dmascope.sources.proc.PagemapTable;
import org.dmascope.sources.proc.ProcMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pagemap walk on pagemap and kpageflags files written entry by entry: every bit, how runs
 * join and split, the THP rule, the physical map, and a process that exits or is replaced.
 */
class PagemapTableTest {

    private static final int PID = 4242;
    private static final long A = 0x10000000L; // a 1 MiB anonymous VMA
    private static final long B = 0x20000000L; // a 6 MiB anonymous VMA, 2 MiB aligned
    private static final long P = Pagemap.PRESENT;
    private static final long X = Pagemap.EXCLUSIVE;
    private static final long ROOT_CAPS = 0x1fffeffffffL;
    private static final String SMAPS = """
            10000000-10100000 rw-p 00000000 00:00 0
            KernelPageSize:        4 kB
            VmFlags: rd wr mr mw me ac
            20000000-20600000 rw-p 00000000 00:00 0
            KernelPageSize:        4 kB
            VmFlags: rd wr mr mw me ac hg
            30000000-30400000 rw-p 00000000 00:0f 77                         /anon_hugepage (deleted)
            KernelPageSize:     2048 kB
            VmFlags: rd wr mr mw me de ht
            40000000-40010000 rw-p 00000000 00:00 0
            KernelPageSize:        4 kB
            VmFlags: rd wr mr mw me lo ac
            """;

    @TempDir
    Path temp;

    private FakeProc process() throws Exception {
        return FakeProc.empty(temp, PID).file("smaps", SMAPS).file("comm", "fake\n")
                .file("status", FakeProc.status("fake", 'S', 0, 1L << 14)).file("limits", FakeProc.LIMITS)
                .file("stat", FakeProc.stat(PID, "fake", 'S', 1000)).readerStatus(FakeProc.status("reader", 'R', 0, ROOT_CAPS));
    }

    private static RunList walk(AddressSpace space, long start, long end) throws MemoryReadException {
        RunList runs = new RunList();
        space.pageTable().walk(start, end, runs);
        return runs;
    }

    private static RunList.Run run(long vaddr, long pfn, long pages, int flags, int shift) {
        return new RunList.Run(vaddr, pfn, pages, flags, shift, -1);
    }

    @Test
    void everyPagemapBitAndHowRunsJoin() throws Exception {
        FakeProc p = process();
        p.pagemap(A, P | X | 0x1000, 4, 1) // four pages, contiguous frames
                .pagemap(A + 0x4000, P | X | 0x2000, 1, 1) // a jump in frames
                .pagemap(A + 0x5000, P | X | Pagemap.SOFT_DIRTY | 0x2001, 1, 1) // contiguous, but soft-dirty
                .pagemap(A + 0x6000, Pagemap.SWAPPED | 0x1234_0, 2, 0x20) // swapped: swap entries, no PFN
                .pagemap(A + 0x8000, P | Pagemap.FILE_OR_SHARED_ANON | 0x3000, 1, 1)
                .pagemap(A + 0x9000, 0, 1, 0);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        RunList runs = walk(space, A, A + 0x100000);
        int px = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        assertEquals(List.of(run(A, 0x1000, 4, px, 12), run(A + 0x4000, 0x2000, 1, px, 12),
                run(A + 0x5000, 0x2001, 1, px | PageFlags.SOFT_DIRTY, 12),
                run(A + 0x6000, RunSink.NO_PFN, 2, PageFlags.SWAPPED, 12),
                run(A + 0x8000, 0x3000, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED, 12),
                run(A + 0x9000, RunSink.NO_PFN, 256 - 9, 0, 12)), runs.runs);
    }

    @Test
    void hiddenPfnsKeepTheOtherBits() throws Exception {
        FakeProc p = process().pagemap(A, P | X, 8, 0).pagemap(A + 0x8000, P, 8, 0);
        LiveProcess live = new ProcMemory(p.root()).open(PID);
        assertTrue(live.pfnsVisible());
        RunList runs = walk(live.addressSpace(), A, A + 0x10000);
        int hidden = PageFlags.PRESENT | PageFlags.PFN_HIDDEN;
        assertEquals(List.of(run(A, RunSink.NO_PFN, 8, hidden | PageFlags.EXCLUSIVE, 12),
                run(A + 0x8000, RunSink.NO_PFN, 8, hidden, 12)), runs.runs);
        assertFalse(live.pfnsVisible());
        assertTrue(live.notes().contains(PagemapTable.PFNS_HIDDEN));
    }

    @Test
    void kpageflagsMarkThpZeroMlockedAndMissingPages() throws Exception {
        long thp = 1L << KPageFlags.THP;
        long head = thp | 1L << KPageFlags.COMPOUND_HEAD;
        long tail = thp | 1L << KPageFlags.COMPOUND_TAIL;
        FakeProc p = process().pagemap(A, P | X | 0x8000, 16, 1) // a 64 KiB large folio (mTHP)
                .kpageflags(0x8000, head, 1).kpageflags(0x8001, tail, 15)
                .pagemap(A + 0x10000, P | Pagemap.FILE_OR_SHARED_ANON | 0x9000, 2, 0) // the zero page, twice
                .kpageflags(0x9000, 1L << KPageFlags.ZERO_PAGE | 1L << KPageFlags.REFERENCED, 1)
                .pagemap(A + 0x12000, P | X | 0xa000, 2, 1)
                .kpageflags(0xa000, 1L << KPageFlags.MLOCKED, 1).kpageflags(0xa001, 1L << KPageFlags.MLOCKED, 1)
                .pagemap(A + 0x14000, P | 0x7_0000_0000L, 1, 1) // beyond the end of kpageflags
                .kpageflags(0x100000, 0, 1);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        RunList runs = walk(space, A, A + 0x15000);
        int px = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        assertEquals(List.of(run(A, 0x8000, 16, px | PageFlags.THP, 12),
                run(A + 0x10000, 0x9000, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED | PageFlags.ZERO_PAGE, 12),
                run(A + 0x11000, 0x9000, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED | PageFlags.ZERO_PAGE, 12),
                run(A + 0x12000, 0xa000, 2, px | PageFlags.MLOCKED, 12),
                run(A + 0x14000, 0x7_0000_0000L, 1, PageFlags.PRESENT | PageFlags.NO_STRUCT_PAGE, 12)), runs.runs);
    }

    @Test
    void pmdMappedThpOnlyWhenAWholeAlignedStretch() throws Exception {
        long thp = 1L << KPageFlags.THP;
        long head = thp | 1L << KPageFlags.COMPOUND_HEAD;
        long tail = thp | 1L << KPageFlags.COMPOUND_TAIL;
        FakeProc p = process()
                // B: a whole THP at a 512-aligned frame
                .pagemap(B, P | X | 0x40000, 512, 1).kpageflags(0x40000, head, 1).kpageflags(0x40001, tail, 511)
                // B + 2 MiB: frames not 512-aligned
                .pagemap(B + 0x200000, P | X | 0x50100, 512, 1).kpageflags(0x50100, head, 1)
                .kpageflags(0x50101, tail, 511)
                // B + 4 MiB: aligned, but one page soft-dirty (cannot be one PMD)
                .pagemap(B + 0x400000, P | X | 0x60000, 512, 1).pagemap(B + 0x500000, P | X | Pagemap.SOFT_DIRTY | 0x60100, 1, 1)
                .kpageflags(0x60000, head, 1).kpageflags(0x60001, tail, 511);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        RunList runs = walk(space, B, B + 0x600000);
        int thpFlags = PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.THP;
        assertEquals(run(B, 0x40000, 512, thpFlags, 21), runs.runs.get(0));
        assertEquals(run(B + 0x200000, 0x50100, 512, thpFlags, 12), runs.runs.get(1));
        assertEquals(run(B + 0x400000, 0x60000, 256, thpFlags, 12), runs.runs.get(2));
        assertEquals(5, runs.runs.size(), runs.toString());
        // A walk that starts inside the THP still sees it whole.
        RunList inside = walk(space, B + 0x1000, B + 0x2000);
        assertEquals(List.of(run(B + 0x1000, 0x40001, 1, thpFlags, 21)), inside.runs);
    }

    @Test
    void hugetlbAndMlockFromTheVmaWithoutKpageflags() throws Exception {
        FakeProc p = process().pagemap(0x30000000L, P | X | 0x80000, 1024, 1).pagemap(0x40000000L, P | X | 0x90000, 4, 1);
        LiveProcess live = new ProcMemory(p.root()).open(PID);
        assertFalse(live.pageTable().kpageflagsReadable());
        assertTrue(live.notes().contains(PagemapTable.NO_KPAGEFLAGS));
        int px = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        assertEquals(List.of(run(0x30000000L, 0x80000, 1024, px | PageFlags.HUGETLB, 21)),
                walk(live.addressSpace(), 0x30000000L, 0x30400000L).runs);
        assertEquals(List.of(run(0x40000000L, 0x90000, 4, px | PageFlags.MLOCKED, 12),
                run(0x40004000L, RunSink.NO_PFN, 12, 0, 12)), walk(live.addressSpace(), 0x40000000L, 0x40010000L).runs);
    }

    @Test
    void physicalMapMarksDeviceMemory() throws Exception {
        FakeProc p = process().pagemap(A, P | X | 0x5000, 2, 1).pagemap(A + 0x2000, P | X | 0x7000, 2, 1)
                .pagemap(A + 0x4000, P | X | 0x1000, 1, 1)
                .kpageflags(0x5000, 1L << KPageFlags.NOPAGE, 2).kpageflags(0x7000, 1L << KPageFlags.NOPAGE, 2)
                .kpageflags(0x1000, 0, 1);
        PhysicalMemoryMap physical = PhysicalMemoryMap.of(List.of(
                new Range(0x5000, 0x6000, Kind.FS_DAX, "Persistent Memory", null, 0),
                new Range(0x7000, 0x8000, Kind.PCI_BAR, "0000:01:00.0", PciAddress.parse("0000:01:00.0"), 1)));
        LiveProcess live = new ProcMemory(p.root()).open(PID, physical);
        RunList runs = new RunList();
        live.pageTable().walk(A, A + 0x5000, runs);
        int px = PageFlags.PRESENT | PageFlags.EXCLUSIVE;
        assertEquals(List.of(new RunList.Run(A, 0x5000, 2, px | PageFlags.ZONE_DEVICE, 12, 0),
                new RunList.Run(A + 0x2000, 0x7000, 2, px | PageFlags.NO_STRUCT_PAGE, 12, -1),
                new RunList.Run(A + 0x4000, 0x1000, 1, px, 12, -1)), runs.runs);
    }

    @Test
    void gapsBetweenVmasAreNotReadFromPagemap() throws Exception {
        // Entries in pagemap where no VMA lies (as if mapped after the read) are not reported.
        FakeProc p = process().pagemap(0x18000000L, P | X | 0x1000, 16, 1).pagemap(A, P | X | 0x2000, 1, 1);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        RunList runs = walk(space, 0, 0x1_0000_0000L);
        assertEquals(0x100000, runs.pages());
        assertEquals(1, runs.presentPages());
        assertEquals(run(0, RunSink.NO_PFN, A >>> 12, 0, 12), runs.runs.get(0));
        assertEquals(run(A, 0x2000, 1, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12), runs.runs.get(1));
        assertEquals(RunSink.NO_PFN, runs.pfnAt(0x18000000L));
    }

    @Test
    void unalignedRangesAreRefused() throws Exception {
        AddressSpace space = new ProcMemory(process().root()).read(PID);
        assertEquals("not a page-aligned range: 0x10000001-0x10001000", assertThrows(IllegalArgumentException.class,
                () -> walk(space, A + 1, A + 0x1000)).getMessage());
        assertEquals(0, walk(space, A, A).runs.size());
    }

    @Test
    void aZombieEndsTheWalkWhereItsPagemapEnds() throws Exception {
        // pagemap reads nothing once the process has no mm: here it ends after 16 pages of A.
        FakeProc p = process().pagemap(A, P | X | 0x1000, 16, 1);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        p.file("stat", FakeProc.stat(PID, "fake", 'Z', 1000));
        RunList runs = new RunList();
        MemoryReadException e = assertThrows(MemoryReadException.class, () -> space.pageTable().walk(A, A + 0x100000, runs));
        assertEquals("process 4242 exited while reading " + p.dir().resolve("pagemap") + " at 0x10010000", e.getMessage());
        assertEquals(List.of(run(A, 0x1000, 16, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12)), runs.runs,
                "the pages read before the exit were reported");
    }

    @Test
    void runsComeInBatchesAndASinkThatThrowsStopsTheWalk() throws Exception {
        // 40 single pages on every other frame: 40 runs, then the rest of A not present.
        FakeProc p = process();
        for (int i = 0; i < 40; i++) {
            p.pagemap(A + ((long) i << 12), P | X | (0x1000 + 2 * i), 1, 1);
        }
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        List<Long> seen = new ArrayList<>();
        int[] batches = {0};
        RunSink stopsAtTheTenth = new RunSink() {
            @Override
            public void run(long v, long pfn, long n, int flags, int shift, int pgmap) {
                if (seen.size() == 9) {
                    throw new IllegalStateException("stop");
                }
                seen.add(pfn);
            }

            @Override
            public void runs(RunBatch b) {
                batches[0]++;
                RunSink.super.runs(b);
            }
        };
        assertEquals("stop", assertThrows(IllegalStateException.class,
                () -> space.pageTable().walk(A, A + 0x100000, stopsAtTheTenth)).getMessage());
        assertEquals(1, batches[0], "the 40 runs came as one batch, and nothing was handed on after the sink threw");
        assertEquals(9, seen.size());
        assertEquals(0x1000 + 2 * 8, seen.get(8).longValue());
        RunList all = walk(space, A, A + 0x100000);
        assertEquals(41, all.runs.size());
        assertEquals(run(A + (39 << 12), 0x1000 + 2 * 39, 1, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12),
                all.runs.get(39));
    }

    @Test
    void aLiveProcessWhosePagemapEndsHasNoPagesThere() throws Exception {
        FakeProc p = process().pagemap(A, P | X | 0x1000, 16, 1);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        assertEquals(List.of(run(A, 0x1000, 16, PageFlags.PRESENT | PageFlags.EXCLUSIVE, 12),
                run(A + 0x10000, RunSink.NO_PFN, 240, 0, 12)), walk(space, A, A + 0x100000).runs);
    }

    @Test
    void aProcessThatWentAwayOrWasReplaced() throws Exception {
        FakeProc p = process().pagemap(A, P | X | 0x1000, 16, 1);
        AddressSpace space = new ProcMemory(p.root()).read(PID);
        p.file("stat", FakeProc.stat(PID, "other", 'S', 2000));
        assertEquals("process 4242 exited while reading " + p.dir().resolve("pagemap") + " at 0x10000000 (PID 4242 now "
                + "belongs to a process started later)", assertThrows(MemoryReadException.class,
                        () -> walk(space, A, A + 0x1000)).getMessage());
        try (Stream<Path> files = Files.walk(p.dir())) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        assertEquals("process 4242 exited while reading " + p.dir().resolve("pagemap") + " at 0x10000000",
                assertThrows(MemoryReadException.class, () -> walk(space, A, A + 0x1000)).getMessage());
        assertEquals("process 4242 does not exist (no " + p.dir() + ")",
                assertThrows(MemoryReadException.class, () -> new ProcMemory(p.root()).read(PID)).getMessage());
    }

    @Test
    void aProcessThatDoesNotExist() {
        assertEquals("process 2147483647 does not exist (no /proc/2147483647)",
                assertThrows(MemoryReadException.class, () -> new ProcMemory().read(Integer.MAX_VALUE)).getMessage());
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        FakeProc p = process();
        Files.delete(p.dir().resolve("limits"));
        assertEquals("cannot read " + p.dir().resolve("limits") + ": no such file",
                assertThrows(MemoryReadException.class, () -> new ProcMemory(p.root()).read(PID)).getMessage());
    }
}
