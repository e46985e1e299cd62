package org.dmascope.sources.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

import org.dmascope.core.memory.AddressSpace;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.RunSink;
import org.dmascope.core.memory.VmFlag;
import org.dmascope.core.memory.Vma;
import org.dmascope.sources.proc.Iomem;
import org.dmascope.sources.proc.LiveProcess;
import org.dmascope.sources.proc.Pagemap;
import org.dmascope.sources.proc.PagemapTable;
import org.dmascope.sources.proc.ProcMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader on a /proc rebuilt from captures of this kind of machine (testdata/proc): a root
 * process with a THP region, 2 MiB and 1 GiB hugetlb pages, an mlocked and a PROT_NONE region and
 * files with odd names, its pagemap and the kpageflags of its PFNs; and a process of uid nobody,
 * to which the kernel hid the PFNs. Every page a walk reports is checked against the capture.
 */
class CapturedProcessTest {

    private static final int PAGE_BITS = PageFlags.PRESENT | PageFlags.SWAPPED | PageFlags.EXCLUSIVE
            | PageFlags.FILE_OR_SHARED | PageFlags.SOFT_DIRTY;

    @TempDir
    Path temp;

    private static Vma vma(AddressSpace space, java.util.function.Predicate<Vma> which) {
        return space.vmas().stream().filter(which).findFirst().orElseThrow();
    }

    private static RunList walk(AddressSpace space, long start, long end) throws Exception {
        RunList runs = new RunList();
        space.pageTable().walk(start, end, runs);
        assertEquals((end - start) >>> 12, runs.pages(), "the runs cover the range");
        if (!runs.runs.isEmpty()) {
            assertEquals(start, runs.runs.get(0).vaddr());
        }
        return runs;
    }

    private static RunList walk(AddressSpace space, Vma v) throws Exception {
        return walk(space, v.start(), v.end());
    }

    @Test
    void readsTheCapturedRootProcess() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        LiveProcess live = new ProcMemory(p.root()).open(p.pid());
        AddressSpace space = live.addressSpace();
        assertEquals(p.pid(), space.pid());
        assertEquals("python3", space.command());
        assertEquals(89, space.vmas().size());
        assertEquals(8388608, space.memlockLimit());
        assertEquals(0, space.pinnedBytes());
        assertTrue(space.capIpcLock());
        assertTrue(live.smapsRead());
        assertTrue(live.pfnsVisible());
        assertTrue(live.pageTable().kpageflagsReadable());
        assertEquals(List.of(), live.notes());
        assertSame(live.pageTable(), space.pageTable());
        assertEquals(p.root().resolve(p.pid() + "/pagemap"), live.pageTable().pagemapFile());
    }

    @Test
    void everyPageAsCaptured() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        AddressSpace space = new ProcMemory(p.root()).read(p.pid());
        TreeMap<Long, long[]> capture = FakeProc.pagemapRuns(FakeProc.ROOT);
        long present = 0;
        for (Vma v : space.vmas()) {
            RunList runs = walk(space, v);
            for (long a = v.start(); Long.compareUnsigned(a, v.end()) < 0; a += 4096) {
                long entry = FakeProc.entryAt(capture, a);
                RunList.Run r = runs.at(a);
                long at = a;
                assertEquals(Pagemap.pageFlags(entry), r.flags() & PAGE_BITS, () -> v.mapsLine() + " at " + Long.toHexString(at));
                long expectedPfn = Pagemap.isPresent(entry) ? Pagemap.pfnField(entry) : RunSink.NO_PFN;
                assertEquals(expectedPfn, runs.pfnAt(a), () -> v.mapsLine() + " at " + Long.toHexString(at));
                if (Pagemap.isPresent(entry)) {
                    present++;
                }
            }
        }
        assertTrue(present > 262144, "the 1 GiB page and the rest: " + present);
    }

    @Test
    void thpHugetlbMlockAndProtNone() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        AddressSpace space = new ProcMemory(p.root()).read(p.pid());

        // MADV_HUGEPAGE, 4 MiB touched: two PMD-mapped THPs (smaps: AnonHugePages 4096 kB).
        Vma thp = vma(space, v -> v.has(VmFlag.HUGEPAGE));
        RunList runs = walk(space, thp);
        assertEquals(2, runs.runs.size(), runs.toString());
        assertEquals(List.of(0x107e00L, 0x1d7800L), runs.runs.stream().map(RunList.Run::pfn).toList());
        for (RunList.Run r : runs.runs) {
            assertEquals(512, r.pages());
            assertEquals(21, r.pageShift());
            assertEquals(PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.THP, r.flags(), r.toString());
        }
        // Part of a THP: still shift 21, the stretch around it was read to tell.
        RunList part = walk(space, thp.start() + (1 << 20), thp.start() + (3 << 20));
        assertEquals(2, part.runs.size(), part.toString());
        assertEquals(0x107e00L + 256, part.runs.get(0).pfn());
        assertEquals(21, part.runs.get(0).pageShift());
        assertEquals(256, part.runs.get(1).pages());

        // hugetlb: one 2 MiB page and one 1 GiB page, each one run with the VMA's page size.
        Vma huge2m = vma(space, v -> v.pageSize() == 2L << 20);
        RunList h2 = walk(space, huge2m);
        assertEquals(1, h2.runs.size(), h2.toString());
        assertEquals(0x1c7e00L, h2.runs.get(0).pfn());
        assertEquals(21, h2.runs.get(0).pageShift());
        assertEquals(PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.HUGETLB, h2.runs.get(0).flags());
        Vma huge1g = vma(space, v -> v.pageSize() == 1L << 30);
        RunList h1 = walk(space, huge1g);
        assertEquals(1, h1.runs.size(), h1.toString());
        assertEquals(0x40000L, h1.runs.get(0).pfn());
        assertEquals(262144, h1.runs.get(0).pages());
        assertEquals(30, h1.runs.get(0).pageShift());
        assertEquals(PageFlags.PRESENT | PageFlags.EXCLUSIVE | PageFlags.HUGETLB, h1.runs.get(0).flags());

        Vma locked = vma(space, v -> v.has(VmFlag.LOCKED));
        RunList l = walk(space, locked);
        assertEquals(16, l.presentPages());
        assertTrue(l.runs.stream().allMatch(r -> (r.flags() & PageFlags.MLOCKED) != 0), l.toString());

        RunList none = walk(space, vma(space, Vma::isProtNone));
        assertEquals(1, none.runs.size());
        assertEquals(0, none.presentPages());
        assertEquals(RunSink.NO_PFN, none.runs.get(0).pfn());

        // Past the top of the user address space pagemap reads nothing: not present, not an error.
        RunList vsyscall = walk(space, vma(space, v -> v.name().equals("[vsyscall]")));
        assertEquals(1, vsyscall.runs.size());
        assertEquals(0, vsyscall.presentPages());
    }

    @Test
    void wholeAddressSpaceReadsOnlyTheVmas() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        AddressSpace space = new ProcMemory(p.root()).read(p.pid());
        Vma first = space.vmas().get(0);
        Vma stack = vma(space, v -> v.name().equals("[stack]"));
        // About 128 TiB of addresses: the gaps between VMAs are reported without reading pagemap.
        RunList runs = walk(space, first.start(), stack.end());
        long capturedPresent = 0;
        for (long[] r : FakeProc.pagemapRuns(FakeProc.ROOT).values()) {
            if (Pagemap.isPresent(r[0])) {
                capturedPresent += r[1];
            }
        }
        assertEquals(capturedPresent, runs.presentPages());
        assertTrue(runs.runs.size() < 4000, runs.runs.size() + " runs");
    }

    @Test
    void nobodysPfnsAreHidden() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.NOBODY, FakeProc.NOBODY);
        LiveProcess live = new ProcMemory(p.root()).open(p.pid());
        AddressSpace space = live.addressSpace();
        assertFalse(space.capIpcLock());
        assertFalse(live.pfnsVisible(), "the reader has no CAP_SYS_ADMIN");
        assertEquals(List.of(Iomem.ADDRESSES_HIDDEN, PagemapTable.PFNS_HIDDEN, PagemapTable.NO_KPAGEFLAGS),
                live.notes());
        TreeMap<Long, long[]> capture = FakeProc.pagemapRuns(FakeProc.NOBODY);
        Vma heap = vma(space, v -> v.name().equals("[heap]"));
        RunList runs = walk(space, heap);
        assertTrue(runs.presentPages() > 0);
        for (long a = heap.start(); a < heap.end(); a += 4096) {
            long entry = FakeProc.entryAt(capture, a);
            RunList.Run r = runs.at(a);
            assertEquals(Pagemap.isPresent(entry), r.present());
            assertEquals(RunSink.NO_PFN, r.pfn());
            if (r.present()) {
                assertEquals(0, Pagemap.pfnField(entry), "the capture itself has PFN 0");
                assertTrue((r.flags() & PageFlags.PFN_HIDDEN) != 0, r.toString());
                assertEquals(Pagemap.pageFlags(entry), r.flags() & PAGE_BITS, "the other bits are kept");
            }
        }
        assertTrue(runs.runs.size() <= 3, "hidden PFNs merge like not-present pages: " + runs);
    }

    @Test
    void hiddenPfnsAreSeenInTheDataWhateverTheCapabilities() throws Exception {
        // The captured reader is root, but the pagemap it reads came from nobody: PFN 0 decides.
        FakeProc p = FakeProc.captured(temp, FakeProc.NOBODY, FakeProc.ROOT);
        LiveProcess live = new ProcMemory(p.root()).open(p.pid());
        assertTrue(live.pfnsVisible(), "the first guess, from CAP_SYS_ADMIN");
        Vma heap = vma(live.addressSpace(), v -> v.name().equals("[heap]"));
        walk(live.addressSpace(), heap);
        assertFalse(live.pfnsVisible());
        assertTrue(live.notes().contains(PagemapTable.PFNS_HIDDEN));
        assertEquals("PFNs hidden: pagemap shows PFN 0 without CAP_SYS_ADMIN", PagemapTable.PFNS_HIDDEN);
    }

    @Test
    void mapsAloneWhenSmapsCannotBeRead() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        Files.delete(p.dir().resolve("smaps"));
        LiveProcess live = new ProcMemory(p.root()).open(p.pid());
        assertFalse(live.smapsRead());
        assertEquals("cannot read " + p.dir().resolve("smaps")
                + ": no such file: VMA flags from maps' permissions only, page sizes unknown", live.notes().get(0));
        AddressSpace space = live.addressSpace();
        assertEquals(89, space.vmas().size());
        assertTrue(space.vmas().stream().allMatch(v -> v.pageSize() == 0));
        assertTrue(space.vmas().stream().noneMatch(v -> v.has(VmFlag.MAY_READ)));
        // Without page sizes the 1 GiB hugetlb page reads as 4 KiB pages, but kpageflags still says hugetlb.
        Vma huge = vma(space, v -> v.length() == 1L << 30);
        RunList runs = walk(space, huge);
        assertEquals(1, runs.runs.size());
        assertEquals(12, runs.runs.get(0).pageShift());
        assertTrue((runs.runs.get(0).flags() & PageFlags.HUGETLB) != 0);
    }

    @Test
    void vmasThatKeepOverlappingAreReportedAfterRereading() throws Exception {
        FakeProc p = FakeProc.captured(temp, FakeProc.ROOT, FakeProc.ROOT);
        // A maps whose second line starts inside the first, as a read racing mmap can give.
        Files.delete(p.dir().resolve("smaps"));
        Files.writeString(p.dir().resolve("maps"), "7f0000000000-7f0000200000 rw-p 00000000 00:00 0 \n"
                + "7f0000100000-7f0000300000 rw-p 00000000 00:00 0 \n");
        MemoryReadException e = assertThrows(MemoryReadException.class, () -> new ProcMemory(p.root()).open(p.pid()));
        assertTrue(e.getMessage().startsWith(p.dir().resolve("maps") + ": the VMAs changed while being read, 5 times"),
                e.getMessage());
    }
}
