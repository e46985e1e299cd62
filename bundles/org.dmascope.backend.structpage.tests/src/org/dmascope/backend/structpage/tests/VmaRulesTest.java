package org.dmascope.backend.structpage.tests;

import static org.dmascope.backend.structpage.tests.Fixtures.BASE;
import static org.dmascope.backend.structpage.tests.Fixtures.anon;
import static org.dmascope.backend.structpage.tests.Fixtures.at;
import static org.dmascope.backend.structpage.tests.Fixtures.file;
import static org.dmascope.backend.structpage.tests.Fixtures.physical;
import static org.dmascope.backend.structpage.tests.Fixtures.plus;
import static org.dmascope.backend.structpage.tests.Fixtures.range;
import static org.dmascope.backend.structpage.tests.Fixtures.space;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.dmascope.backend.structpage.StructPageBackend;
import org.dmascope.backend.structpage.tests.Fixtures.Recorder;
import org.dmascope.backend.structpage.tests.Fixtures.Run;
import org.dmascope.core.backend.PinResult;
import org.dmascope.core.memory.MemoryReadException;
import org.dmascope.core.memory.PageFlags;
import org.dmascope.core.memory.PageRuns;
import org.dmascope.core.memory.PhysicalMemoryMap;
import org.dmascope.core.memory.PhysicalMemoryMap.Kind;
import org.dmascope.core.memory.Vma;
import org.dmascope.core.memory.VmFlag;
import org.junit.jupiter.api.Test;

/**
 * The VMA checks that come before any page: check_vma_flags() in mm/gup.c for
 * FOLL_PIN | FOLL_LONGTERM (| FOLL_WRITE), in the kernel's order. A refused VMA gives the sink
 * nothing, though every page of it is present.
 */
class VmaRulesTest {

    private static final StructPageBackend BACKEND = new StructPageBackend();
    private static final int MAPPED = PageFlags.PRESENT | PageFlags.EXCLUSIVE;

    /** Four present pages at PFN 100. */
    private static PageRuns fourPages(int flags) {
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 4, flags, 12, -1);
        return table;
    }

    private static PinResult pin(Vma vma, boolean write, PhysicalMemoryMap physical, Recorder sink)
            throws MemoryReadException {
        return BACKEND.pin(space(fourPages(MAPPED), vma), vma, vma.start(), vma.end(), write, physical, sink);
    }

    private static void assertRefused(Vma vma, boolean write, String errno, String... inWhy) throws MemoryReadException {
        assertRefused(vma, write, PhysicalMemoryMap.systemRamOnly(), errno, inWhy);
    }

    private static void assertRefused(Vma vma, boolean write, PhysicalMemoryMap physical, String errno, String... inWhy)
            throws MemoryReadException {
        Recorder sink = new Recorder();
        PinResult r = pin(vma, write, physical, sink);
        assertEquals(errno, r.error(), r.why());
        for (String s : inWhy) {
            assertTrue(r.why().contains(s), () -> "why lacks '" + s + "': " + r.why());
        }
        assertTrue(r.why().startsWith("check_vma_flags"), r.why());
        assertEquals(List.of(), sink.runs);
        assertEquals(0, r.pages());
    }

    private static void assertPinned(Vma vma, boolean write) throws MemoryReadException {
        Recorder sink = new Recorder();
        PinResult r = pin(vma, write, PhysicalMemoryMap.systemRamOnly(), sink);
        assertNull(r.error(), r.why());
        assertEquals(4, r.pages());
    }

    @Test
    void ioAndPfnmapAreRefusedWithEfault() throws MemoryReadException {
        for (VmFlag f : List.of(VmFlag.IO, VmFlag.PFNMAP)) {
            Vma vma = plus(file(4, "rw-s", "/dev/mlx5_bar", "00:05"), f);
            assertRefused(vma, false, "EFAULT", "VM_IO|VM_PFNMAP", "struct pages");
            assertRefused(vma, true, "EFAULT", "VM_IO|VM_PFNMAP");
        }
    }

    @Test
    void ioComesBeforeFsdax() throws MemoryReadException {
        assertRefused(plus(file(4, "rw-s", "/mnt/pmem/x", "259:1"), VmFlag.IO, VmFlag.SYNC), true, "EFAULT", "VM_IO");
    }

    @Test
    void fsdaxFoundThroughThePhysicalMapIsRefusedBeforeAnyPage() throws MemoryReadException {
        Vma vma = file(4, "rw-s", "/mnt/pmem/table", "259:1");
        PhysicalMemoryMap pmem = physical(range(0x200000, 0x300000, Kind.FS_DAX, "namespace0.0", 5));
        PageRuns table = new PageRuns();
        table.run(BASE, 100, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED, 12, -1);
        table.run(at(3), 0x200010, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED | PageFlags.ZONE_DEVICE, 12, 5);
        for (boolean write : new boolean[] {false, true}) {
            Recorder sink = new Recorder();
            // Only the first page is pinned; the VMA is refused all the same.
            PinResult r = BACKEND.pin(space(table, vma), vma, BASE, at(1), write, pmem, sink);
            assertEquals("EOPNOTSUPP", r.error());
            assertTrue(r.why().startsWith("check_vma_flags: vma_is_fsdax"), r.why());
            assertEquals(List.of(), sink.runs);
        }
        // The same file without fs-dax pages behind it is pinned.
        Recorder sink = new Recorder();
        PinResult r = BACKEND.pin(space(table, vma), vma, BASE, at(1), false, PhysicalMemoryMap.systemRamOnly(), sink);
        assertNull(r.error(), r.why());
        assertEquals(List.of(new Run(BASE, 100, 1, PageFlags.PRESENT | PageFlags.FILE_OR_SHARED, 12, -1)), sink.runs);
    }

    @Test
    void mapSyncMeansFsdax() throws MemoryReadException {
        assertRefused(plus(file(4, "rw-s", "/mnt/pmem/log", "259:1"), VmFlag.SYNC), false, "EOPNOTSUPP", "vma_is_fsdax");
    }

    @Test
    void secretmemIsRefused() throws MemoryReadException {
        assertRefused(file(4, "rw-s", "/secretmem (deleted)", "00:0d"), false, "EFAULT", "vma_is_secretmem");
    }

    @Test
    void protNoneIsRefusedForReadAndWrite() throws MemoryReadException {
        assertRefused(anon(4, "---p"), false, "EFAULT", "PROT_NONE");
        assertRefused(anon(4, "---p"), true, "EFAULT", "PROT_NONE");
    }

    @Test
    void writePinNeedsVmWrite() throws MemoryReadException {
        assertRefused(anon(4, "r--p"), true, "EFAULT", "without VM_WRITE", "FOLL_FORCE");
        assertPinned(anon(4, "r--p"), false);
    }

    @Test
    void readPinNeedsVmRead() throws MemoryReadException {
        assertRefused(anon(4, "-w-p"), false, "EFAULT", "without VM_READ");
        assertPinned(anon(4, "-w-p"), true);
    }

    @Test
    void writePinOfASharedWritableRegularFileNeedsDirtyTrackingAndIsRefused() throws MemoryReadException {
        Vma ext4 = file(4, "rw-s", "/data/table.bin", "08:01");
        assertRefused(ext4, true, "EFAULT", "writable_file_mapping_allowed", "vma_needs_dirty_tracking");
        assertPinned(ext4, false);
        // A private mapping of the same file is copy-on-write: no dirty tracking, the write pin copies.
        assertPinned(file(4, "rw-p", "/data/table.bin", "08:01"), true);
        // A shared mapping without VM_WRITE needs no dirty tracking, but lacks VM_WRITE.
        assertRefused(file(4, "r--s", "/data/table.bin", "08:01"), true, "EFAULT", "without VM_WRITE");
    }

    @Test
    void shmemAndHugetlbfsNeedNoDirtyTracking() throws MemoryReadException {
        assertPinned(file(4, "rw-s", "/memfd:buffers (deleted)", "00:01"), true);
        assertPinned(file(4, "rw-s", "/dev/shm/ring", "00:19"), true);
        assertPinned(file(4, "rw-s", "/dev/zero (deleted)", "00:01"), true);
        assertPinned(file(4, "rw-s", "/SYSV00000000 (deleted)", "00:01"), true);
        assertPinned(plus(file(4, "rw-s", "/mnt/huge/buf", "00:2f"), VmFlag.HUGETLB), true);
    }
}
